package codecserver_test

// FuzzHandler's seed corpus under testdata/fuzz holds request bodies as
// the Web UI sends them, built from payloads the zlib codec wrote;
// rewrite it with
//
//	go test ./runtime/converter/codecserver/ -run TestSeedCorpus -seeds

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/internal/fuzzseed"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/converter/codecserver"
)

var writeSeeds = flag.Bool("seeds", false, "rewrite the seed corpus under testdata/fuzz")

// TestSeedCorpus keeps the committed seeds in step with what the codec
// and the converter write (-seeds rewrites them).
func TestSeedCorpus(t *testing.T) {
	plain, err := converter.Default().ToPayloads(nil, []byte{1, 2}, "hello", 42, map[string]any{"a": []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true}).Encode(plain.Payloads)
	if err != nil {
		t.Fatal(err)
	}
	body := func(ps []*commonpb.Payload) []byte {
		b, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := json.Compact(&out, b); err != nil { // protojson's spacing varies between builds
			t.Fatal(err)
		}
		return out.Bytes()
	}
	fuzzseed.Check(t, "FuzzHandler", []fuzzseed.Seed{
		{Name: "decode-zlib", Args: []any{true, body(zipped)}},
		{Name: "decode-plain", Args: []any{true, body(plain.Payloads)}},
		{Name: "encode-plain", Args: []any{false, body(plain.Payloads)}},
	}, *writeSeeds)
}

// FuzzHandler posts arbitrary bodies to /decode and /encode of a codec
// server for the zlib codec: the answer is 200 or a client error, never
// a 500 (a codec panic or an unencodable response); and what /encode
// answers, /decode turns back into the payloads sent.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"payloads":[]}`, `{"payloads":[{}]}`, `{"payloads":[{"metadata":{"encoding":"YmluYXJ5L3psaWI="},"data":"eJw="}]}`, `null`, `[]`} {
		f.Add(true, []byte(s))
	}
	h, err := codecserver.New(codecserver.Options{
		Codecs:       []converter.PayloadCodec{converter.NewZlibCodec(converter.ZlibCodecOptions{})},
		MaxBodyBytes: 1 << 20,
		Logger:       slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.Fatal(err)
	}
	post := func(t *testing.T, path string, body []byte) (int, []byte) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
		out, _ := io.ReadAll(rec.Result().Body)
		if rec.Code >= 500 {
			t.Fatalf("POST %s answered %d: %s", path, rec.Code, out)
		}
		return rec.Code, out
	}
	f.Fuzz(func(t *testing.T, decode bool, body []byte) {
		path := "/encode"
		if decode {
			path = "/decode"
		}
		code, out := post(t, path, body)
		if code != http.StatusOK {
			if code != http.StatusBadRequest && code != http.StatusRequestEntityTooLarge {
				t.Fatalf("POST %s answered %d: %s", path, code, out)
			}
			if !strings.HasPrefix(string(out), "codecserver: ") {
				t.Fatalf("POST %s answered %d without a codecserver message: %q", path, code, out)
			}
			return
		}
		if decode {
			return
		}
		code, back := post(t, "/decode", out)
		if code != http.StatusOK {
			t.Fatalf("/decode of what /encode answered: %d: %s", code, back)
		}
		var sent, got commonpb.Payloads
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, &sent); err != nil {
			t.Fatalf("/encode accepted a body it cannot have parsed: %v", err)
		}
		if err := protojson.Unmarshal(back, &got); err != nil {
			t.Fatalf("/decode answered %q: %v", back, err)
		}
		if len(sent.Payloads) != len(got.Payloads) {
			t.Fatalf("sent %d payloads, got %d back", len(sent.Payloads), len(got.Payloads))
		}
		for i := range got.Payloads {
			if !proto.Equal(sent.Payloads[i], got.Payloads[i]) {
				t.Fatalf("payload %d: sent %v, got %v back", i, sent.Payloads[i], got.Payloads[i])
			}
		}
	})
}
