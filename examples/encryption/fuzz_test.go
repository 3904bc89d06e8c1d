package encryption_test

// FuzzCodecDecode's seed corpus under testdata/fuzz holds payloads the
// codec encrypted (with fixed keys and nonces); rewrite it with
//
//	go test -short ./examples/encryption/ -run TestSeedCorpus -seeds
//
// and fuzz for longer (-short: no dev server) with
//
//	go test -short ./examples/encryption/ -run '^$' -fuzz '^FuzzCodecDecode$' -fuzztime 5m

import (
	"flag"
	"testing"
	"testing/cryptotest"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/examples/encryption"
	"github.com/temporalgen/temporalgen/internal/fuzzseed"
	"github.com/temporalgen/temporalgen/runtime/converter"
)

var writeSeeds = flag.Bool("seeds", false, "rewrite the seed corpus under testdata/fuzz")

// fuzzKeys is the keyring of the fuzz target: fixed keys, so that the
// committed seeds decrypt.
var fuzzKeys = encryption.Keyring{
	"k1": []byte("0123456789abcdef"),
	"k2": []byte("0123456789abcdef0123456789abcdef"),
}

// TestSeedCorpus keeps the committed seeds in step with what the codec
// writes (-seeds rewrites them); nonces come from a seeded generator.
func TestSeedCorpus(t *testing.T) {
	cryptotest.SetGlobalRandom(t, 16)
	var seeds []fuzzseed.Seed
	for _, current := range []string{"k1", "k2"} {
		c := newCodec(t, fuzzKeys, current)
		in, err := converter.Default().ToPayloads(ada, nil, []byte{1, 2}, "x", 42)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := c.Encode(in.Payloads)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(&commonpb.Payloads{Payloads: enc})
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, fuzzseed.Seed{Name: "encrypted-" + current, Args: []any{raw}})
	}
	fuzzseed.Check(t, "FuzzCodecDecode", seeds, *writeSeeds)
}

// FuzzCodecDecode decodes arbitrary Payloads (protobuf binary) with the
// codec and then the default converter: an error or payloads, never a
// panic; and the codec decrypts what it encrypts.
func FuzzCodecDecode(f *testing.F) {
	f.Add([]byte{})
	c, err := encryption.NewCodec(fuzzKeys, "k1")
	if err != nil {
		f.Fatal(err)
	}
	dc := converter.WithCodecs(converter.Default(), c)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ps commonpb.Payloads
		if err := proto.Unmarshal(raw, &ps); err != nil {
			return
		}
		if out, err := c.Decode(ps.Payloads); err == nil && len(out) != len(ps.Payloads) {
			t.Fatalf("%d payloads decoded to %d", len(ps.Payloads), len(out))
		}
		var v any
		var cust encryption.Customer
		_ = dc.FromPayloads(&ps, &v, &cust)

		enc, err := c.Encode(ps.Payloads)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		dec, err := c.Decode(enc)
		if err != nil {
			t.Fatalf("decode of the codec's own output: %v", err)
		}
		for i := range dec {
			if !proto.Equal(dec[i], ps.Payloads[i]) {
				t.Fatalf("payload %d: round trip gave %v, want %v", i, dec[i], ps.Payloads[i])
			}
		}
	})
}
