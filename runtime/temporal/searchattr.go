package temporal

import (
	"encoding/json"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

// SearchAttributeKey names a search attribute and fixes its type: the
// value type T follows the attribute's indexed type (Keyword and Text:
// string, Int: int64, Double: float64, Bool: bool, Datetime: time.Time,
// KeywordList: []string).
type SearchAttributeKey[T any] struct {
	name string
	typ  enumspb.IndexedValueType
}

// NewSearchAttributeKeyKeyword returns a Keyword key.
func NewSearchAttributeKeyKeyword(name string) SearchAttributeKey[string] {
	return SearchAttributeKey[string]{name, enumspb.INDEXED_VALUE_TYPE_KEYWORD}
}

// NewSearchAttributeKeyText returns a Text key.
func NewSearchAttributeKeyText(name string) SearchAttributeKey[string] {
	return SearchAttributeKey[string]{name, enumspb.INDEXED_VALUE_TYPE_TEXT}
}

// NewSearchAttributeKeyInt returns an Int key.
func NewSearchAttributeKeyInt(name string) SearchAttributeKey[int64] {
	return SearchAttributeKey[int64]{name, enumspb.INDEXED_VALUE_TYPE_INT}
}

// NewSearchAttributeKeyDouble returns a Double key.
func NewSearchAttributeKeyDouble(name string) SearchAttributeKey[float64] {
	return SearchAttributeKey[float64]{name, enumspb.INDEXED_VALUE_TYPE_DOUBLE}
}

// NewSearchAttributeKeyBool returns a Bool key.
func NewSearchAttributeKeyBool(name string) SearchAttributeKey[bool] {
	return SearchAttributeKey[bool]{name, enumspb.INDEXED_VALUE_TYPE_BOOL}
}

// NewSearchAttributeKeyDatetime returns a Datetime key.
func NewSearchAttributeKeyDatetime(name string) SearchAttributeKey[time.Time] {
	return SearchAttributeKey[time.Time]{name, enumspb.INDEXED_VALUE_TYPE_DATETIME}
}

// NewSearchAttributeKeyKeywordList returns a KeywordList key.
func NewSearchAttributeKeyKeywordList(name string) SearchAttributeKey[[]string] {
	return SearchAttributeKey[[]string]{name, enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST}
}

// Name returns the attribute's name.
func (k SearchAttributeKey[T]) Name() string { return k.name }

// Type returns the attribute's indexed type.
func (k SearchAttributeKey[T]) Type() enumspb.IndexedValueType { return k.typ }

// ValueSet returns an update that sets the attribute to v.
func (k SearchAttributeKey[T]) ValueSet(v T) SearchAttributeUpdate {
	return SearchAttributeUpdate{name: k.name, typ: k.typ, value: v}
}

// ValueUnset returns an update that removes the attribute.
func (k SearchAttributeKey[T]) ValueUnset() SearchAttributeUpdate {
	return SearchAttributeUpdate{name: k.name, typ: k.typ, unset: true}
}

// Get reads the attribute from raw search attributes; ok is false when it
// is absent or cannot be decoded as T.
func (k SearchAttributeKey[T]) Get(sa *commonpb.SearchAttributes) (v T, ok bool) {
	p := sa.GetIndexedFields()[k.name]
	if p == nil || len(p.Data) == 0 {
		return v, false
	}
	if err := json.Unmarshal(p.Data, &v); err != nil {
		return v, false
	}
	return v, true
}

// SearchAttributeUpdate is one change to a search attribute, made with a
// key's ValueSet or ValueUnset.
type SearchAttributeUpdate struct {
	name  string
	typ   enumspb.IndexedValueType
	value any
	unset bool
}

// Name returns the attribute's name.
func (u SearchAttributeUpdate) Name() string { return u.name }

// Payload encodes the update as the server expects: JSON with the type in
// the "type" metadata, or an empty payload without type to remove.
func (u SearchAttributeUpdate) Payload() (*commonpb.Payload, error) {
	if u.unset {
		return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("binary/null")}}, nil
	}
	v := u.value
	if t, ok := v.(time.Time); ok {
		v = t.UTC().Format(time.RFC3339Nano)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("temporal: search attribute %s: %w", u.name, err)
	}
	return &commonpb.Payload{
		Metadata: map[string][]byte{"encoding": []byte("json/plain"), "type": []byte(indexedTypeName(u.typ))},
		Data:     data,
	}, nil
}

// EncodeSearchAttributeUpdates turns updates into the search attributes
// of an upsert command or start request.
func EncodeSearchAttributeUpdates(us ...SearchAttributeUpdate) (*commonpb.SearchAttributes, error) {
	out := &commonpb.SearchAttributes{IndexedFields: make(map[string]*commonpb.Payload, len(us))}
	for _, u := range us {
		p, err := u.Payload()
		if err != nil {
			return nil, err
		}
		out.IndexedFields[u.name] = p
	}
	return out, nil
}

func indexedTypeName(t enumspb.IndexedValueType) string {
	switch t {
	case enumspb.INDEXED_VALUE_TYPE_KEYWORD:
		return "Keyword"
	case enumspb.INDEXED_VALUE_TYPE_TEXT:
		return "Text"
	case enumspb.INDEXED_VALUE_TYPE_INT:
		return "Int"
	case enumspb.INDEXED_VALUE_TYPE_DOUBLE:
		return "Double"
	case enumspb.INDEXED_VALUE_TYPE_BOOL:
		return "Bool"
	case enumspb.INDEXED_VALUE_TYPE_DATETIME:
		return "Datetime"
	case enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST:
		return "KeywordList"
	}
	return ""
}
