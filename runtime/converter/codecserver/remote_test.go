package codecserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

func TestRemoteCodec(t *testing.T) {
	h, err := New(Options{
		Namespaces: map[string][]converter.PayloadCodec{"ns1": {tagCodec{"a"}, tagCodec{"b"}}},
		Authorize:  RequireAuthorization("Bearer s3cret"),
	})
	if err != nil {
		t.Fatal(err)
	}
	type seen struct{ path, ns, auth, extra, ctype string }
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{r.URL.Path, r.Header.Get("X-Namespace"), r.Header.Get("Authorization"), r.Header.Get("X-Extra"), r.Header.Get("Content-Type")})
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()

	rc, err := NewRemoteCodec(RemoteCodecOptions{
		Endpoint:      srv.URL + "/{namespace}/",
		Namespace:     "ns1",
		Authorization: "Bearer s3cret",
		Header:        http.Header{"X-Extra": {"1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	in := []*commonpb.Payload{plain(`"Ada"`), plain(`2`)}
	enc, err := rc.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	// The same as the local chain: a, then b.
	local := converter.WithCodecs(converter.Default(), tagCodec{"a"}, tagCodec{"b"})
	wantEnc, _ := local.ToPayloads("x")
	if e := string(enc[0].Metadata[converter.MetadataEncoding]); e != string(wantEnc.Payloads[0].Metadata[converter.MetadataEncoding]) {
		t.Errorf("encoded as %q, want the chain's %q", e, wantEnc.Payloads[0].Metadata[converter.MetadataEncoding])
	}
	dec, err := rc.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if !proto.Equal(dec[i], in[i]) {
			t.Errorf("round trip of payload %d: %v, want %v", i, dec[i], in[i])
		}
	}
	want := []seen{
		{"/ns1/encode", "ns1", "Bearer s3cret", "1", "application/json"},
		{"/ns1/decode", "ns1", "Bearer s3cret", "1", "application/json"},
	}
	if len(got) != len(want) {
		t.Fatalf("requests %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	// No payloads: no request.
	if out, err := rc.Decode(nil); err != nil || len(out) != 0 || len(got) != 2 {
		t.Errorf("Decode(nil) = %v, %v after %d requests; want no payloads and no request", out, err, len(got))
	}

	// The server's errors come back with status and reason.
	bad, _ := NewRemoteCodec(RemoteCodecOptions{Endpoint: srv.URL, Namespace: "ns1"})
	_, err = bad.Decode(in)
	if err == nil || !strings.Contains(err.Error(), "codecserver: remote decode: 401 Unauthorized: codecserver: unauthorized") {
		t.Errorf("without credentials: %v", err)
	}
	undecodable := []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("binary/tag-a")}, Data: []byte{0xff}}}
	_, err = rc.Decode(undecodable)
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request: codecserver: decode: codec 0 (codecserver.tagCodec): payload 0") {
		t.Errorf("undecodable payload: %v", err)
	}
}

func TestRemoteCodecBadServer(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"wrong count", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"payloads":[]}`)) },
			"codecserver: remote encode: got 0 payloads for 1"},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`<html>`)) },
			"codecserver: remote encode: malformed response"},
		{"long error body", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, strings.Repeat("e", 5000), http.StatusBadGateway)
		}, "codecserver: remote encode: 502 Bad Gateway: eeee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			rc, err := NewRemoteCodec(RemoteCodecOptions{Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = rc.Encode([]*commonpb.Payload{plain("1")})
			if err == nil || !strings.Contains(err.Error(), tt.want) || len(err.Error()) > 1200 {
				t.Errorf("error %v, want one containing %q (and at most 1200 bytes)", err, tt.want)
			}
		})
	}
}

func TestNewRemoteCodecErrors(t *testing.T) {
	for _, ep := range []string{"", "localhost:8081", "ftp://x/codec", "http://"} {
		if _, err := NewRemoteCodec(RemoteCodecOptions{Endpoint: ep}); err == nil || !strings.Contains(err.Error(), "is not an http or https URL") {
			t.Errorf("endpoint %q: %v", ep, err)
		}
	}
}
