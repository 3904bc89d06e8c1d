package encryption_test

// Unit tests of the codec and of the workflow on the in-process test
// environment: no server. `go test -short ./examples/encryption` runs only
// these.

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/temporalgen/temporalgen/examples/encryption"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
)

var ada = encryption.Customer{Name: "Ada Lovelace", Email: "ada@example.com", CardNumber: "4242424242424242"}

const welcomeAda = "Welcome, Ada Lovelace! Receipts go to ada@example.com; card ending in 4242."

// secrets are the strings that must never reach the server in clear text.
var secrets = []string{"Ada Lovelace", "ada@example.com", "4242424242424242"}

func newKey(t testing.TB, n int) []byte {
	t.Helper()
	k := make([]byte, n)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func newCodec(t testing.TB, keys encryption.Keyring, current string) *encryption.Codec {
	t.Helper()
	c, err := encryption.NewCodec(keys, current)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCodecRoundTrip(t *testing.T) {
	for _, n := range []int{16, 24, 32} {
		c := newCodec(t, encryption.Keyring{"k1": newKey(t, n)}, "k1")
		in, err := converter.Default().ToPayloads(ada, nil, []byte{1, 2}, "x")
		if err != nil {
			t.Fatal(err)
		}
		enc, err := c.Encode(in.Payloads)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range enc {
			if got := string(p.Metadata[converter.MetadataEncoding]); got != encryption.EncodingEncrypted {
				t.Errorf("AES-%d payload %d: encoding %q, want %q", n*8, i, got, encryption.EncodingEncrypted)
			}
			if got := string(p.Metadata[encryption.MetadataKeyID]); got != "k1" {
				t.Errorf("AES-%d payload %d: key ID %q, want k1", n*8, i, got)
			}
			for _, s := range secrets {
				if bytes.Contains(p.Data, []byte(s)) {
					t.Errorf("AES-%d payload %d holds %q in clear text", n*8, i, s)
				}
			}
		}
		dec, err := c.Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		for i := range dec {
			if !proto.Equal(dec[i], in.Payloads[i]) {
				t.Errorf("AES-%d payload %d: round trip gave %v, want %v", n*8, i, dec[i], in.Payloads[i])
			}
		}
	}
}

func TestCodecFreshNonces(t *testing.T) {
	c := newCodec(t, encryption.Keyring{"k1": newKey(t, 32)}, "k1")
	p, _ := converter.Default().ToPayload(ada)
	a, _ := c.Encode([]*commonpb.Payload{p})
	b, _ := c.Encode([]*commonpb.Payload{p})
	if bytes.Equal(a[0].Data, b[0].Data) {
		t.Error("two encryptions of one payload are equal: the nonce is not fresh")
	}
}

func TestCodecPassesThroughForeignPayloads(t *testing.T) {
	c := newCodec(t, encryption.Keyring{"k1": newKey(t, 32)}, "k1")
	plain, _ := converter.Default().ToPayload("hello")
	zipped, _ := converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true}).Encode([]*commonpb.Payload{plain})
	in := []*commonpb.Payload{plain, zipped[0], {}}
	out, err := c.Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if out[i] != in[i] {
			t.Errorf("payload %d was changed: %v", i, out[i])
		}
	}
}

// TestCodecRotation: a codec with a new current key still reads payloads
// of the old one, and one without the old key says which key it lacks.
func TestCodecRotation(t *testing.T) {
	k1, k2 := newKey(t, 32), newKey(t, 32)
	old := newCodec(t, encryption.Keyring{"k1": k1}, "k1")
	rotated := newCodec(t, encryption.Keyring{"k1": k1, "k2": k2}, "k2")
	p, _ := converter.Default().ToPayload(ada)
	enc, _ := old.Encode([]*commonpb.Payload{p})
	dec, err := rotated.Decode(enc)
	if err != nil || !proto.Equal(dec[0], p) {
		t.Fatalf("rotated codec decoding a k1 payload: %v, %v", dec, err)
	}
	enc2, _ := rotated.Encode([]*commonpb.Payload{p})
	if got := string(enc2[0].Metadata[encryption.MetadataKeyID]); got != "k2" {
		t.Errorf("rotated codec encrypts with %q, want k2", got)
	}
	_, err = old.Decode(enc2)
	if err == nil || err.Error() != `encryption: payload 0: unknown key ID "k2" (the keyring has "k1")` {
		t.Errorf("decoding a k2 payload without k2: %v", err)
	}
}

func TestCodecDecodeErrors(t *testing.T) {
	k1, k2 := newKey(t, 32), newKey(t, 32)
	c := newCodec(t, encryption.Keyring{"k1": k1, "k2": k2}, "k1")
	p, _ := converter.Default().ToPayload(ada)
	good := func() *commonpb.Payload {
		enc, err := c.Encode([]*commonpb.Payload{p})
		if err != nil {
			t.Fatal(err)
		}
		return enc[0]
	}
	tests := []struct {
		name   string
		mutate func(p *commonpb.Payload)
		want   string
	}{
		{"tampered", func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 },
			`encryption: payload 1: cannot decrypt with key "k1": cipher: message authentication failed`},
		{"relabelled to another key", func(p *commonpb.Payload) { p.Metadata[encryption.MetadataKeyID] = []byte("k2") },
			`encryption: payload 1: cannot decrypt with key "k2"`},
		{"no key ID", func(p *commonpb.Payload) { delete(p.Metadata, encryption.MetadataKeyID) },
			`encryption: payload 1: binary/encrypted payload without "encryption-key-id" metadata`},
		{"unknown key ID", func(p *commonpb.Payload) { p.Metadata[encryption.MetadataKeyID] = []byte("k9") },
			`encryption: payload 1: unknown key ID "k9" (the keyring has "k1", "k2")`},
		{"truncated", func(p *commonpb.Payload) { p.Data = p.Data[:10] },
			"encryption: payload 1: 10 bytes is too short for AES-GCM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good()
			tt.mutate(bad)
			_, err := c.Decode([]*commonpb.Payload{good(), bad})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Decode: %v, want an error starting %q", err, tt.want)
			}
		})
	}
}

func TestNewCodecErrors(t *testing.T) {
	tests := []struct {
		name    string
		keys    encryption.Keyring
		current string
		want    string
	}{
		{"short key", encryption.Keyring{"k1": make([]byte, 10)}, "k1", `encryption: key "k1": 10 bytes; want 16, 24 or 32`},
		{"no current key", encryption.Keyring{"k1": make([]byte, 16)}, "k2", `encryption: current key "k2" is not in the keyring ("k1")`},
		{"empty keyring", nil, "k1", `encryption: current key "k1" is not in the keyring ()`},
		{"empty key ID", encryption.Keyring{"": make([]byte, 16)}, "", "encryption: the keyring has an empty key ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := encryption.NewCodec(tt.keys, tt.current); err == nil || err.Error() != tt.want {
				t.Errorf("NewCodec: %v, want %q", err, tt.want)
			}
		})
	}
}

// TestSignupInEnv runs the workflow with the encrypting converter on the
// in-process environment: the result decodes, and the history holds no
// secret in clear text.
func TestSignupInEnv(t *testing.T) {
	c := newCodec(t, encryption.Keyring{"k1": newKey(t, 32)}, "k1")
	env := testsuite.New(t, testsuite.Options{DataConverter: converter.WithCodecs(converter.Default(), c)})
	if err := encryption.Register(env); err != nil {
		t.Fatal(err)
	}
	out, res, err := encryption.SignupInEnv{Env: env}.Execute(testsuite.StartOptions{}, ada)
	if err != nil {
		t.Fatal(err)
	}
	if out != welcomeAda {
		t.Errorf("result %q, want %q", out, welcomeAda)
	}
	checkEncrypted(t, res.History(), "k1", 4)
}

// checkEncrypted fails the test if a payload of hist is not encrypted with
// keyID, if there are fewer than min payloads, or if a secret appears
// anywhere in the history's bytes.
func checkEncrypted(t *testing.T, hist *historypb.History, keyID string, min int) {
	t.Helper()
	raw, err := proto.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the history holds %q in clear text", s)
		}
	}
	ps := payloadsOf(hist)
	if len(ps) < min {
		t.Errorf("the history has %d payloads, want at least %d (inputs and results)", len(ps), min)
	}
	for _, p := range ps {
		if enc, id := string(p.Metadata[converter.MetadataEncoding]), string(p.Metadata[encryption.MetadataKeyID]); enc != encryption.EncodingEncrypted || id != keyID {
			t.Errorf("a payload with encoding %q and key %q, want %q and %q", enc, id, encryption.EncodingEncrypted, keyID)
		}
	}
}

// payloadsOf returns every Payload message in m, at any depth.
func payloadsOf(m proto.Message) []*commonpb.Payload {
	var out []*commonpb.Payload
	var walk func(protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if p, ok := m.Interface().(*commonpb.Payload); ok {
			out = append(out, p)
			return
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind:
			case fd.IsList():
				for i := range v.List().Len() {
					walk(v.List().Get(i).Message())
				}
			case fd.IsMap():
				if fd.MapValue().Kind() == protoreflect.MessageKind {
					v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
						walk(mv.Message())
						return true
					})
				}
			default:
				walk(v.Message())
			}
			return true
		})
	}
	walk(m.ProtoReflect())
	return out
}
