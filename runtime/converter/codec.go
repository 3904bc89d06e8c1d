package converter

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"
)

// PayloadCodec transforms encoded payloads, e.g. to compress or encrypt
// them. Decode must invert Encode and must pass through payloads it does
// not recognise.
type PayloadCodec interface {
	// Encode transforms payloads on their way to the server.
	Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error)
	// Decode transforms payloads coming from the server.
	Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error)
}

// codecDataConverter runs codecs after / before an inner DataConverter.
type codecDataConverter struct {
	inner  DataConverter
	codecs []PayloadCodec
}

// WithCodecs returns a DataConverter that converts with dc and then applies
// codecs in order when encoding, and applies codecs in reverse order before
// converting with dc when decoding.
func WithCodecs(dc DataConverter, codecs ...PayloadCodec) DataConverter {
	return &codecDataConverter{inner: dc, codecs: append([]PayloadCodec(nil), codecs...)}
}

// Codecs returns the codecs dc applies, in encoding order, when dc was made
// by WithCodecs (nested calls included), and nil for any other
// DataConverter. Tools that compare or show payloads use it to see through
// encryption and compression.
func Codecs(dc DataConverter) []PayloadCodec {
	c, ok := dc.(*codecDataConverter)
	if !ok {
		return nil
	}
	return append(Codecs(c.inner), c.codecs...)
}

func (c *codecDataConverter) encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	for i, codec := range c.codecs {
		out, err := codec.Encode(ps)
		if err != nil {
			return nil, fmt.Errorf("converter: codec %d (%T) encode: %w", i, codec, err)
		}
		if len(out) != len(ps) {
			return nil, fmt.Errorf("converter: codec %d (%T) encode returned %d payloads for %d", i, codec, len(out), len(ps))
		}
		ps = out
	}
	return ps, nil
}

func (c *codecDataConverter) decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	for i := len(c.codecs) - 1; i >= 0; i-- {
		codec := c.codecs[i]
		out, err := codec.Decode(ps)
		if err != nil {
			return nil, fmt.Errorf("converter: codec %d (%T) decode: %w", i, codec, err)
		}
		if len(out) != len(ps) {
			return nil, fmt.Errorf("converter: codec %d (%T) decode returned %d payloads for %d", i, codec, len(out), len(ps))
		}
		ps = out
	}
	return ps, nil
}

func (c *codecDataConverter) ToPayload(v any) (*commonpb.Payload, error) {
	p, err := c.inner.ToPayload(v)
	if err != nil {
		return nil, err
	}
	out, err := c.encode([]*commonpb.Payload{p})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (c *codecDataConverter) FromPayload(p *commonpb.Payload, ptr any) error {
	if p == nil {
		return nil
	}
	out, err := c.decode([]*commonpb.Payload{p})
	if err != nil {
		return err
	}
	return c.inner.FromPayload(out[0], ptr)
}

func (c *codecDataConverter) ToPayloads(vs ...any) (*commonpb.Payloads, error) {
	ps, err := c.inner.ToPayloads(vs...)
	if err != nil || ps == nil {
		return ps, err
	}
	out, err := c.encode(ps.GetPayloads())
	if err != nil {
		return nil, err
	}
	return &commonpb.Payloads{Payloads: out}, nil
}

func (c *codecDataConverter) FromPayloads(ps *commonpb.Payloads, ptrs ...any) error {
	if ps == nil {
		return nil
	}
	out, err := c.decode(ps.GetPayloads())
	if err != nil {
		return err
	}
	return c.inner.FromPayloads(&commonpb.Payloads{Payloads: out}, ptrs...)
}

// ZlibCodecOptions configures NewZlibCodec.
type ZlibCodecOptions struct {
	// AlwaysEncode compresses even when the result is not smaller.
	AlwaysEncode bool
}

// zlibCodec compresses whole marshalled payloads with zlib.
type zlibCodec struct{ opts ZlibCodecOptions }

// NewZlibCodec returns a PayloadCodec that replaces each payload with a
// binary/zlib payload holding the zlib-compressed protobuf encoding of the
// original, unless that is not smaller (see ZlibCodecOptions) and the
// original is not itself binary/zlib. The format matches the zlib codec of
// the other Temporal SDKs.
func NewZlibCodec(opts ZlibCodecOptions) PayloadCodec { return &zlibCodec{opts: opts} }

func (z *zlibCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("payload %d: %w", i, err)
		}
		var buf bytes.Buffer
		w := zlib.NewWriter(&buf)
		_, err = w.Write(raw)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("payload %d: %w", i, err)
		}
		// A binary/zlib payload is always wrapped: left as it is, Decode
		// would take it for one of ours and unwrap it.
		if buf.Len() >= len(raw) && !z.opts.AlwaysEncode && string(p.GetMetadata()[MetadataEncoding]) != EncodingZlib {
			out[i] = p
			continue
		}
		out[i] = newPayload(EncodingZlib, buf.Bytes())
	}
	return out, nil
}

func (z *zlibCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.GetMetadata()[MetadataEncoding]) != EncodingZlib {
			out[i] = p
			continue
		}
		r, err := zlib.NewReader(bytes.NewReader(p.GetData()))
		if err != nil {
			return nil, fmt.Errorf("payload %d: %w", i, err)
		}
		raw, err := io.ReadAll(r)
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("payload %d: %w", i, err)
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(raw, &orig); err != nil {
			return nil, fmt.Errorf("payload %d: %w", i, err)
		}
		out[i] = &orig
	}
	return out, nil
}
