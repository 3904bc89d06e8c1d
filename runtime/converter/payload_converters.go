package converter

import (
	"encoding/json"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
)

// Metadata keys and encodings understood by all Temporal SDKs.
const (
	// MetadataEncoding is the payload metadata key naming the encoding.
	MetadataEncoding = "encoding"
	// MetadataMessageType is the payload metadata key naming the full
	// protobuf message type of proto payloads.
	MetadataMessageType = "messageType"

	// EncodingNil marks a nil value.
	EncodingNil = "binary/null"
	// EncodingBinary marks raw bytes.
	EncodingBinary = "binary/plain"
	// EncodingProtoJSON marks a protobuf message in protojson form.
	EncodingProtoJSON = "json/protobuf"
	// EncodingProto marks a protobuf message in binary form.
	EncodingProto = "binary/protobuf"
	// EncodingJSON marks a value in encoding/json form.
	EncodingJSON = "json/plain"
	// EncodingZlib marks a payload compressed by the zlib codec.
	EncodingZlib = "binary/zlib"
)

// PayloadConverter converts single values of the kinds it understands to
// and from payloads of one encoding.
type PayloadConverter interface {
	// Encoding returns the encoding this converter writes and reads.
	Encoding() string
	// ToPayload encodes v, or returns (nil, nil) when it does not handle v.
	ToPayload(v any) (*commonpb.Payload, error)
	// FromPayload decodes p into the variable ptr points to.
	FromPayload(p *commonpb.Payload, ptr any) error
}

func newPayload(encoding string, data []byte) *commonpb.Payload {
	return &commonpb.Payload{
		Metadata: map[string][]byte{MetadataEncoding: []byte(encoding)},
		Data:     data,
	}
}

// isNil reports whether v is nil or a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// target returns the settable variable ptr points to.
func target(ptr any, encoding string) (reflect.Value, error) {
	rv := reflect.ValueOf(ptr)
	if ptr == nil {
		return reflect.Value{}, fmt.Errorf("converter: cannot decode %s payload into nil", encoding)
	}
	if rv.Kind() != reflect.Pointer {
		return reflect.Value{}, fmt.Errorf("converter: cannot decode %s payload into %T: not a pointer", encoding, ptr)
	}
	if rv.IsNil() {
		return reflect.Value{}, fmt.Errorf("converter: cannot decode %s payload into %T: nil pointer", encoding, ptr)
	}
	return rv.Elem(), nil
}

func decodeError(encoding string, t reflect.Type, err error) error {
	return fmt.Errorf("converter: cannot decode %s payload into %s: %w", encoding, t, err)
}

// NilPayloadConverter encodes nil values (and nil pointers) as binary/null
// payloads with no data, and decodes them as zero values.
type NilPayloadConverter struct{}

// NewNilPayloadConverter returns a NilPayloadConverter.
func NewNilPayloadConverter() *NilPayloadConverter { return &NilPayloadConverter{} }

// Encoding returns "binary/null".
func (*NilPayloadConverter) Encoding() string { return EncodingNil }

// ToPayload encodes v when it is nil or a nil pointer.
func (c *NilPayloadConverter) ToPayload(v any) (*commonpb.Payload, error) {
	if !isNil(v) {
		return nil, nil
	}
	return newPayload(EncodingNil, nil), nil
}

// FromPayload sets the variable ptr points to to its zero value.
func (c *NilPayloadConverter) FromPayload(_ *commonpb.Payload, ptr any) error {
	t, err := target(ptr, EncodingNil)
	if err != nil {
		return err
	}
	t.Set(reflect.Zero(t.Type()))
	return nil
}

// ByteSlicePayloadConverter encodes []byte values as binary/plain payloads.
type ByteSlicePayloadConverter struct{}

// NewByteSlicePayloadConverter returns a ByteSlicePayloadConverter.
func NewByteSlicePayloadConverter() *ByteSlicePayloadConverter {
	return &ByteSlicePayloadConverter{}
}

// Encoding returns "binary/plain".
func (*ByteSlicePayloadConverter) Encoding() string { return EncodingBinary }

// ToPayload encodes v when it is a []byte.
func (c *ByteSlicePayloadConverter) ToPayload(v any) (*commonpb.Payload, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, nil
	}
	return newPayload(EncodingBinary, b), nil
}

// FromPayload decodes into a *[]byte or a *any.
func (c *ByteSlicePayloadConverter) FromPayload(p *commonpb.Payload, ptr any) error {
	t, err := target(ptr, EncodingBinary)
	if err != nil {
		return err
	}
	data := p.GetData()
	switch {
	case t.Type() == reflect.TypeOf(data):
		t.SetBytes(data)
	case t.Kind() == reflect.Interface && t.NumMethod() == 0:
		t.Set(reflect.ValueOf(data))
	default:
		return decodeError(EncodingBinary, t.Type(), fmt.Errorf("need *[]byte or *any"))
	}
	return nil
}

// JSONPayloadConverter encodes any value with encoding/json as json/plain
// payloads (no trailing newline). It handles every value, so it belongs
// last in a chain.
type JSONPayloadConverter struct{}

// NewJSONPayloadConverter returns a JSONPayloadConverter.
func NewJSONPayloadConverter() *JSONPayloadConverter { return &JSONPayloadConverter{} }

// Encoding returns "json/plain".
func (*JSONPayloadConverter) Encoding() string { return EncodingJSON }

// ToPayload encodes v with json.Marshal.
func (c *JSONPayloadConverter) ToPayload(v any) (*commonpb.Payload, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("converter: cannot encode %T as %s: %w", v, EncodingJSON, err)
	}
	return newPayload(EncodingJSON, data), nil
}

// FromPayload decodes p with json.Unmarshal.
func (c *JSONPayloadConverter) FromPayload(p *commonpb.Payload, ptr any) error {
	t, err := target(ptr, EncodingJSON)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(p.GetData(), ptr); err != nil {
		return decodeError(EncodingJSON, t.Type(), err)
	}
	return nil
}
