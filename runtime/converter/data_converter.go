package converter

import (
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// DataConverter converts Go values to and from payloads. Every
// DataConverter is also a temporal.PayloadsDecoder.
type DataConverter interface {
	// ToPayload encodes one value.
	ToPayload(v any) (*commonpb.Payload, error)
	// FromPayload decodes one payload into the variable ptr points to. A
	// nil payload leaves it untouched.
	FromPayload(p *commonpb.Payload, ptr any) error
	// ToPayloads encodes values in order; no values give nil.
	ToPayloads(vs ...any) (*commonpb.Payloads, error)
	// FromPayloads decodes payloads into ptrs in order. Pointers without a
	// payload are left untouched; payloads without a pointer are ignored.
	FromPayloads(ps *commonpb.Payloads, ptrs ...any) error
}

var _ temporal.PayloadsDecoder = DataConverter(nil)

// compositeDataConverter tries payload converters in order when encoding
// and picks one by encoding metadata when decoding.
type compositeDataConverter struct {
	order      []PayloadConverter
	byEncoding map[string]PayloadConverter
}

// NewCompositeDataConverter returns a DataConverter that encodes a value with
// the first of cs that handles it and decodes a payload with the one whose
// Encoding matches the payload's "encoding" metadata. When several
// converters share an encoding, the first wins.
func NewCompositeDataConverter(cs ...PayloadConverter) DataConverter {
	d := &compositeDataConverter{
		order:      append([]PayloadConverter(nil), cs...),
		byEncoding: make(map[string]PayloadConverter, len(cs)),
	}
	for _, c := range cs {
		if _, dup := d.byEncoding[c.Encoding()]; !dup {
			d.byEncoding[c.Encoding()] = c
		}
	}
	return d
}

// Default returns a new DataConverter interoperable with the other Temporal
// SDKs' defaults. It tries, in order: nil (binary/null), []byte
// (binary/plain), proto messages (json/protobuf; binary/protobuf is decoded
// too) and finally encoding/json (json/plain).
func Default() DataConverter {
	return NewCompositeDataConverter(
		NewNilPayloadConverter(),
		NewByteSlicePayloadConverter(),
		NewProtoJSONPayloadConverter(),
		NewProtoPayloadConverter(),
		NewJSONPayloadConverter(),
	)
}

func (d *compositeDataConverter) ToPayload(v any) (*commonpb.Payload, error) {
	for _, c := range d.order {
		p, err := c.ToPayload(v)
		if err != nil {
			return nil, err
		}
		if p != nil {
			return p, nil
		}
	}
	return nil, fmt.Errorf("converter: no payload converter handles values of type %T", v)
}

func (d *compositeDataConverter) FromPayload(p *commonpb.Payload, ptr any) error {
	if p == nil {
		return nil
	}
	enc, ok := p.GetMetadata()[MetadataEncoding]
	if !ok {
		return fmt.Errorf("converter: payload has no %q metadata", MetadataEncoding)
	}
	c, ok := d.byEncoding[string(enc)]
	if !ok {
		return fmt.Errorf("converter: unknown payload encoding %q", enc)
	}
	return c.FromPayload(p, ptr)
}

func (d *compositeDataConverter) ToPayloads(vs ...any) (*commonpb.Payloads, error) {
	return toPayloads(d, vs)
}

func (d *compositeDataConverter) FromPayloads(ps *commonpb.Payloads, ptrs ...any) error {
	return fromPayloads(d, ps, ptrs)
}

func toPayloads(d DataConverter, vs []any) (*commonpb.Payloads, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	out := &commonpb.Payloads{Payloads: make([]*commonpb.Payload, len(vs))}
	for i, v := range vs {
		p, err := d.ToPayload(v)
		if err != nil {
			return nil, fmt.Errorf("value %d: %w", i, err)
		}
		out.Payloads[i] = p
	}
	return out, nil
}

func fromPayloads(d DataConverter, ps *commonpb.Payloads, ptrs []any) error {
	for i, p := range ps.GetPayloads() {
		if i >= len(ptrs) {
			break
		}
		if err := d.FromPayload(p, ptrs[i]); err != nil {
			return fmt.Errorf("payload %d: %w", i, err)
		}
	}
	return nil
}
