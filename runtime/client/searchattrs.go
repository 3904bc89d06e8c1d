package client

import (
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// searchAttributeTypeKey is the payload metadata key naming a search
// attribute's indexed value type ("Keyword", "Int", ...).
const searchAttributeTypeKey = "type"

// SearchAttributeType returns the indexed value type a search attribute
// value of v's Go type has: string→Keyword, []string→KeywordList, integer
// types→Int, float32/float64→Double, bool→Bool, time.Time→Datetime. Other
// types are an error.
func SearchAttributeType(v any) (enumspb.IndexedValueType, error) {
	switch v.(type) {
	case string:
		return enumspb.INDEXED_VALUE_TYPE_KEYWORD, nil
	case []string:
		return enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST, nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return enumspb.INDEXED_VALUE_TYPE_INT, nil
	case float32, float64:
		return enumspb.INDEXED_VALUE_TYPE_DOUBLE, nil
	case bool:
		return enumspb.INDEXED_VALUE_TYPE_BOOL, nil
	case time.Time:
		return enumspb.INDEXED_VALUE_TYPE_DATETIME, nil
	default:
		return enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED, fmt.Errorf("unsupported search attribute value type %T (want string, []string, an integer, a float, bool or time.Time)", v)
	}
}

// EncodeSearchAttribute encodes one search attribute value with
// converter.Default() and records its indexed type (see SearchAttributeType)
// in the payload's "type" metadata, as the server expects. A
// *commonpb.Payload is returned unchanged.
func EncodeSearchAttribute(v any) (*commonpb.Payload, error) {
	if p, ok := v.(*commonpb.Payload); ok {
		return p, nil
	}
	t, err := SearchAttributeType(v)
	if err != nil {
		return nil, err
	}
	switch n := v.(type) {
	case uint:
		if uint64(n) > 1<<63-1 {
			return nil, fmt.Errorf("search attribute value %d overflows int64", n)
		}
	case uint64:
		if n > 1<<63-1 {
			return nil, fmt.Errorf("search attribute value %d overflows int64", n)
		}
	case time.Time:
		v = n.UTC().Format(time.RFC3339Nano)
	}
	p, err := converter.Default().ToPayload(v)
	if err != nil {
		return nil, err
	}
	if p.Metadata == nil {
		p.Metadata = map[string][]byte{}
	}
	p.Metadata[searchAttributeTypeKey] = []byte(t.String())
	return p, nil
}

// EncodeSearchAttributes encodes a map of search attribute values with
// EncodeSearchAttribute. An empty map encodes to nil.
func EncodeSearchAttributes(attrs map[string]any) (*commonpb.SearchAttributes, error) {
	if len(attrs) == 0 {
		return nil, nil
	}
	fields := make(map[string]*commonpb.Payload, len(attrs))
	for k, v := range attrs {
		p, err := EncodeSearchAttribute(v)
		if err != nil {
			return nil, fmt.Errorf("search attribute %q: %w", k, err)
		}
		fields[k] = p
	}
	return &commonpb.SearchAttributes{IndexedFields: fields}, nil
}

// DecodeSearchAttribute decodes a search attribute payload, as returned by
// the server, into valuePtr (e.g. *string, *[]string, *int64, *float64,
// *bool, *time.Time).
func DecodeSearchAttribute(p *commonpb.Payload, valuePtr any) error {
	if tp, ok := valuePtr.(*time.Time); ok {
		var s string
		if err := converter.Default().FromPayload(p, &s); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("decode Datetime search attribute: %w", err)
		}
		*tp = t
		return nil
	}
	return converter.Default().FromPayload(p, valuePtr)
}
