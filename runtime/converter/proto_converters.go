package converter

import (
	"bytes"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// jsonNull is what encoding/json writes for nil; the proto JSON converter
// writes it for nil messages, as other SDKs do.
const jsonNull = "null"

// asMessage returns v as a proto.Message, taking the address of a message
// passed by value. It returns nil when v is not a message.
func asMessage(v any) proto.Message {
	if m, ok := v.(proto.Message); ok {
		return m
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() == reflect.Pointer {
		return nil
	}
	pv := reflect.New(rv.Type())
	pv.Elem().Set(rv)
	m, _ := pv.Interface().(proto.Message)
	return m
}

func newProtoPayload(encoding string, data []byte, m proto.Message) *commonpb.Payload {
	p := newPayload(encoding, data)
	p.Metadata[MetadataMessageType] = []byte(m.ProtoReflect().Descriptor().FullName())
	return p
}

// decodeProto decodes data into the message ptr designates: either ptr is
// itself a non-nil message pointer, or it points to a (possibly nil) message
// pointer or message value.
func decodeProto(encoding string, ptr any, isNull bool, unmarshal func(proto.Message) error) error {
	t, err := target(ptr, encoding)
	if err != nil {
		return err
	}
	if isNull {
		t.Set(reflect.Zero(t.Type()))
		return nil
	}
	if m, ok := ptr.(proto.Message); ok {
		if err := unmarshal(m); err != nil {
			return decodeError(encoding, t.Type(), err)
		}
		return nil
	}
	var fresh reflect.Value
	switch {
	case t.Kind() == reflect.Pointer:
		fresh = reflect.New(t.Type().Elem())
	case t.Kind() == reflect.Struct:
		fresh = reflect.New(t.Type())
	}
	if !fresh.IsValid() {
		return decodeError(encoding, t.Type(), fmt.Errorf("not a proto message"))
	}
	m, ok := fresh.Interface().(proto.Message)
	if !ok {
		return decodeError(encoding, t.Type(), fmt.Errorf("not a proto message"))
	}
	if err := unmarshal(m); err != nil {
		return decodeError(encoding, t.Type(), err)
	}
	if t.Kind() == reflect.Pointer {
		t.Set(fresh)
	} else {
		t.Set(fresh.Elem())
	}
	return nil
}

// ProtoJSONPayloadConverter encodes proto messages with protojson (default
// options) as json/protobuf payloads carrying the messageType metadata.
type ProtoJSONPayloadConverter struct{}

// NewProtoJSONPayloadConverter returns a ProtoJSONPayloadConverter.
func NewProtoJSONPayloadConverter() *ProtoJSONPayloadConverter {
	return &ProtoJSONPayloadConverter{}
}

// Encoding returns "json/protobuf".
func (*ProtoJSONPayloadConverter) Encoding() string { return EncodingProtoJSON }

// ToPayload encodes v when it is a proto message. A nil message pointer
// encodes as JSON null.
func (c *ProtoJSONPayloadConverter) ToPayload(v any) (*commonpb.Payload, error) {
	m := asMessage(v)
	if m == nil {
		return nil, nil
	}
	if isNil(v) {
		return newProtoPayload(EncodingProtoJSON, []byte(jsonNull), m), nil
	}
	data, err := protojson.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("converter: cannot encode %T as %s: %w", v, EncodingProtoJSON, err)
	}
	return newProtoPayload(EncodingProtoJSON, data, m), nil
}

// FromPayload decodes p with protojson into a message pointer or a pointer
// to one. Unknown fields are rejected, as protojson does by default.
func (c *ProtoJSONPayloadConverter) FromPayload(p *commonpb.Payload, ptr any) error {
	null := bytes.Equal(p.GetData(), []byte(jsonNull))
	return decodeProto(EncodingProtoJSON, ptr, null, func(m proto.Message) error {
		return protojson.Unmarshal(p.GetData(), m)
	})
}

// ProtoPayloadConverter encodes proto messages in binary form as
// binary/protobuf payloads carrying the messageType metadata. In the default
// chain it follows ProtoJSONPayloadConverter, so it only decodes.
type ProtoPayloadConverter struct{}

// NewProtoPayloadConverter returns a ProtoPayloadConverter.
func NewProtoPayloadConverter() *ProtoPayloadConverter { return &ProtoPayloadConverter{} }

// Encoding returns "binary/protobuf".
func (*ProtoPayloadConverter) Encoding() string { return EncodingProto }

// ToPayload encodes v when it is a proto message.
func (c *ProtoPayloadConverter) ToPayload(v any) (*commonpb.Payload, error) {
	m := asMessage(v)
	if m == nil {
		return nil, nil
	}
	data, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("converter: cannot encode %T as %s: %w", v, EncodingProto, err)
	}
	return newProtoPayload(EncodingProto, data, m), nil
}

// FromPayload decodes p with proto.Unmarshal into a message pointer or a
// pointer to one.
func (c *ProtoPayloadConverter) FromPayload(p *commonpb.Payload, ptr any) error {
	return decodeProto(EncodingProto, ptr, false, func(m proto.Message) error {
		return proto.Unmarshal(p.GetData(), m)
	})
}
