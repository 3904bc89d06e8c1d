package converter

import (
	"fmt"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"
)

// xorCodec is a toy reversible codec that marks payloads it transformed.
type xorCodec struct{ key byte }

func (x xorCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		for j := range raw {
			raw[j] ^= x.key
		}
		out[i] = newPayload("binary/xor", raw)
	}
	return out, nil
}

func (x xorCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.Metadata[MetadataEncoding]) != "binary/xor" {
			return nil, fmt.Errorf("not xor: %q", p.Metadata[MetadataEncoding])
		}
		raw := append([]byte(nil), p.Data...)
		for j := range raw {
			raw[j] ^= x.key
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(raw, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// unwrapXor decodes one xor layer for inspection.
func unwrapXor(t *testing.T, p *commonpb.Payload) *commonpb.Payload {
	t.Helper()
	out, err := xorCodec{key: 0x5a}.Decode([]*commonpb.Payload{p})
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func TestCodecChain(t *testing.T) {
	long := strings.Repeat("compressible ", 50)
	tests := []struct {
		name      string
		value     string
		innerEnc  string // encoding under the xor layer
		zlibAlway bool
	}{
		{"compressed", long, EncodingZlib, false},
		{"too small to compress", "hi", EncodingJSON, false},
		{"always compress", "hi", EncodingZlib, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dc := WithCodecs(Default(), NewZlibCodec(ZlibCodecOptions{AlwaysEncode: tt.zlibAlway}), xorCodec{key: 0x5a})
			p, err := dc.ToPayload(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(p.Metadata[MetadataEncoding]); got != "binary/xor" {
				t.Fatalf("outer encoding = %q, want binary/xor (codecs applied in order)", got)
			}
			if got := string(unwrapXor(t, p).Metadata[MetadataEncoding]); got != tt.innerEnc {
				t.Errorf("inner encoding = %q, want %q", got, tt.innerEnc)
			}
			var s string
			if err := dc.FromPayload(p, &s); err != nil || s != tt.value {
				t.Errorf("FromPayload = %q, %v", s, err)
			}
			ps, err := dc.ToPayloads(tt.value, 7)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := dc.FromPayloads(ps, &s, &n); err != nil || s != tt.value || n != 7 {
				t.Errorf("FromPayloads = %q, %d, %v", s, n, err)
			}
		})
	}
}

func TestCodecEdges(t *testing.T) {
	dc := WithCodecs(Default(), xorCodec{key: 1})
	if ps, err := dc.ToPayloads(); ps != nil || err != nil {
		t.Errorf("ToPayloads() = %v, %v", ps, err)
	}
	if err := dc.FromPayloads(nil); err != nil {
		t.Errorf("FromPayloads(nil) = %v", err)
	}
	plain, _ := Default().ToPayload("x")
	var s string
	err := dc.FromPayload(plain, &s)
	if err == nil || !strings.Contains(err.Error(), "codec 0 (converter.xorCodec) decode: not xor") {
		t.Errorf("err = %v", err)
	}
	// The zlib codec passes foreign payloads through on decode.
	out, err := NewZlibCodec(ZlibCodecOptions{}).Decode([]*commonpb.Payload{plain})
	if err != nil || out[0] != plain {
		t.Errorf("Decode = %v, %v", out, err)
	}
	if _, err := NewZlibCodec(ZlibCodecOptions{}).Decode([]*commonpb.Payload{newPayload(EncodingZlib, []byte("junk"))}); err == nil {
		t.Error("corrupt zlib payload decoded without error")
	}
}

func TestCodecs(t *testing.T) {
	a, b, c := xorCodec{1}, xorCodec{2}, xorCodec{3}
	if got := Codecs(Default()); got != nil {
		t.Errorf("Codecs(Default()) = %v, want nil", got)
	}
	dc := WithCodecs(WithCodecs(Default(), a, b), c)
	got := Codecs(dc)
	if len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Errorf("Codecs of nested WithCodecs = %v, want [a b c] in encoding order", got)
	}
	got[0] = c // the result is a copy
	if again := Codecs(dc); again[0] != a {
		t.Errorf("Codecs shares its slice with the converter: %v", again)
	}
}

// TestZlibCodecInvertsItselfOnZlibPayloads: found by FuzzHandler (the
// codec server). A binary/zlib payload that does not compress further was
// passed through by Encode, and Decode then unwrapped it: Decode did not
// invert Encode.
func TestZlibCodecInvertsItselfOnZlibPayloads(t *testing.T) {
	z := NewZlibCodec(ZlibCodecOptions{})
	inner, err := NewZlibCodec(ZlibCodecOptions{AlwaysEncode: true}).Encode([]*commonpb.Payload{newPayload(EncodingJSON, []byte(`"hi"`))})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*commonpb.Payload{
		inner[0], // a real zlib payload: does not compress again
		newPayload(EncodingZlib, []byte("not zlib at all")),
	} {
		enc, err := z.Encode([]*commonpb.Payload{p})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := z.Decode(enc)
		if err != nil {
			t.Fatalf("decode of %v: %v", enc[0], err)
		}
		if !proto.Equal(dec[0], p) {
			t.Errorf("encode then decode of %v gave %v", p, dec[0])
		}
	}
}
