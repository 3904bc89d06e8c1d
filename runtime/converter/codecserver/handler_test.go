package codecserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// tagCodec wraps whole payloads in a "binary/tag-<name>" payload and
// unwraps only those, passing everything else through.
type tagCodec struct{ name string }

func (c tagCodec) enc() string { return "binary/tag-" + c.name }

func (c tagCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(c.enc())}, Data: raw}
	}
	return out, nil
}

func (c tagCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != c.enc() {
			out[i] = p
			continue
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(p.GetData(), out[i]); err != nil {
			return nil, fmt.Errorf("payload %d: %w", i, err)
		}
	}
	return out, nil
}

// funcCodec misbehaves on demand.
type funcCodec struct {
	fn func([]*commonpb.Payload) ([]*commonpb.Payload, error)
}

func (c funcCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) { return c.fn(ps) }
func (c funcCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) { return c.fn(ps) }

var (
	failing = funcCodec{fn: func([]*commonpb.Payload) ([]*commonpb.Payload, error) {
		return nil, errors.New("unknown key id \"k9\"")
	}}
	panicking = funcCodec{fn: func([]*commonpb.Payload) ([]*commonpb.Payload, error) {
		panic("codec bug")
	}}
	dropping = funcCodec{fn: func(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
		return ps[1:], nil
	}}
	nilling = funcCodec{fn: func(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
		return make([]*commonpb.Payload, len(ps)), nil
	}}
)

func plain(s string) *commonpb.Payload {
	return &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte("json/plain")}, Data: []byte(s)}
}

func body(t *testing.T, ps ...*commonpb.Payload) string {
	t.Helper()
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustEncode(t *testing.T, c converter.PayloadCodec, ps ...*commonpb.Payload) []*commonpb.Payload {
	t.Helper()
	out, err := c.Encode(ps)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestNewErrors(t *testing.T) {
	a := tagCodec{"a"}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no codecs", Options{}, "no codecs: set Options.Codecs or Options.Namespaces"},
		{"nil codec", Options{Codecs: []converter.PayloadCodec{a, nil}}, "Options.Codecs[1] is nil"},
		{"empty namespace chain", Options{Namespaces: map[string][]converter.PayloadCodec{"ns": nil}}, `Options.Namespaces["ns"] has no codecs`},
		{"nil namespace codec", Options{Namespaces: map[string][]converter.PayloadCodec{"ns": {nil}}}, `Options.Namespaces["ns"][0] is nil`},
		{"origin with slash", Options{Codecs: []converter.PayloadCodec{a}, AllowedOrigins: []string{"http://localhost:8233/"}}, `"http://localhost:8233/" is not an origin`},
		{"origin without scheme", Options{Codecs: []converter.PayloadCodec{a}, AllowedOrigins: []string{"localhost:8233"}}, `"localhost:8233" is not an origin`},
		{"origin with path", Options{Codecs: []converter.PayloadCodec{a}, AllowedOrigins: []string{"http://ui.example.com/ui"}}, "is not an origin"},
		{"negative limit", Options{Codecs: []converter.PayloadCodec{a}, MaxBodyBytes: -1}, "MaxBodyBytes is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "codecserver: ") {
				t.Fatalf("New = %v, %v; want an error containing %q", h, err, tt.want)
			}
		})
	}
	if _, err := New(Options{Codecs: []converter.PayloadCodec{a}, AllowedOrigins: []string{"*", "https://ui.example.com:8443"}}); err != nil {
		t.Errorf("valid origins: %v", err)
	}
}

// request is one HTTP exchange of the table below.
type request struct {
	method, path, body string
	header             map[string]string
}

type want struct {
	status int
	body   string            // a substring of the response body
	header map[string]string // exact values; "" means absent
	// payloads, when set, is what the response must decode to.
	payloads []*commonpb.Payload
}

func TestServeHTTP(t *testing.T) {
	a, b, nsCodec := tagCodec{"a"}, tagCodec{"b"}, tagCodec{"ns1"}
	const ui = "http://localhost:8233"
	base := Options{
		Codecs:         []converter.PayloadCodec{a, b},
		Namespaces:     map[string][]converter.PayloadCodec{"ns1": {nsCodec}},
		AllowedOrigins: []string{ui},
		MaxBodyBytes:   4096,
	}
	ada, bob := plain(`"Ada"`), plain(`"Bob"`)
	encAB := mustEncode(t, b, mustEncode(t, a, ada, bob)...) // a then b
	encNS := mustEncode(t, nsCodec, ada)

	tests := []struct {
		name string
		opts *Options // nil: base
		req  request
		want want
	}{
		{"encode runs the chain in order", nil,
			request{method: "POST", path: "/encode", body: body(t, ada, bob)},
			want{status: 200, header: map[string]string{"Content-Type": "application/json"}, payloads: encAB}},
		{"decode runs the chain in reverse", nil,
			request{method: "POST", path: "/decode", body: body(t, encAB...)},
			want{status: 200, payloads: []*commonpb.Payload{ada, bob}}},
		{"decode passes through payloads the codecs do not know", nil,
			request{method: "POST", path: "/decode", body: body(t, ada, encAB[1])},
			want{status: 200, payloads: []*commonpb.Payload{ada, bob}}},
		{"any prefix", nil,
			request{method: "POST", path: "/codec/default/decode", body: body(t, encAB...)},
			want{status: 200, payloads: []*commonpb.Payload{ada, bob}}},
		{"empty list", nil,
			request{method: "POST", path: "/decode", body: `{}`},
			want{status: 200, body: `{"payloads":[]}`}},
		{"unknown fields are ignored", nil,
			request{method: "POST", path: "/decode", body: `{"payloads":[{"metadata":{"encoding":"` + b64("json/plain") + `"},"data":"` + b64(`"Ada"`) + `","futureField":1}]}`},
			want{status: 200, payloads: []*commonpb.Payload{ada}}},
		{"namespace codecs", nil,
			request{method: "POST", path: "/encode", body: body(t, ada), header: map[string]string{"X-Namespace": "ns1"}},
			want{status: 200, payloads: encNS}},
		{"other namespaces get the default", nil,
			request{method: "POST", path: "/decode", body: body(t, encAB...), header: map[string]string{"X-Namespace": "other"}},
			want{status: 200, payloads: []*commonpb.Payload{ada, bob}}},
		{"no default: unknown namespace", &Options{Namespaces: base.Namespaces},
			request{method: "POST", path: "/decode", body: body(t, ada), header: map[string]string{"X-Namespace": "other"}},
			want{status: 404, body: `codecserver: no codecs for namespace "other"`}},
		{"no default: no namespace", &Options{Namespaces: base.Namespaces},
			request{method: "POST", path: "/decode", body: body(t, ada)},
			want{status: 400, body: "no X-Namespace header and no default codecs"}},

		{"unknown path", nil,
			request{method: "POST", path: "/decoder", body: body(t, ada)},
			want{status: 404, body: `codecserver: no endpoint "/decoder"`}},
		{"root", nil,
			request{method: "GET", path: "/"},
			want{status: 404, body: "POST to .../encode or .../decode"}},
		{"wrong method", nil,
			request{method: "GET", path: "/decode"},
			want{status: 405, body: "codecserver: method GET not allowed; decode takes POST", header: map[string]string{"Allow": "POST, OPTIONS"}}},
		{"PUT", nil,
			request{method: "PUT", path: "/encode", body: body(t, ada)},
			want{status: 405, body: "encode takes POST"}},

		{"malformed JSON", nil,
			request{method: "POST", path: "/decode", body: `{"payloads":[`},
			want{status: 400, body: `codecserver: malformed request body, want {"payloads":[...]} in protobuf JSON`,
				header: map[string]string{"Content-Type": "text/plain; charset=utf-8"}}},
		{"not Payloads", nil,
			request{method: "POST", path: "/decode", body: `[1,2]`},
			want{status: 400, body: "malformed request body"}},
		{"payload data not base64", nil,
			request{method: "POST", path: "/decode", body: `{"payloads":[{"data":"!!not base64!!"}]}`},
			want{status: 400, body: "malformed request body"}},
		{"empty body", nil,
			request{method: "POST", path: "/decode"},
			want{status: 400, body: "codecserver: empty request body"}},
		{"body too large", nil,
			request{method: "POST", path: "/encode", body: body(t, plain(`"`+strings.Repeat("x", 5000)+`"`))},
			want{status: 413, body: "codecserver: request body larger than 4096 bytes"}},
		{"a payload the codec cannot decode", nil,
			request{method: "POST", path: "/decode", body: body(t, &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("binary/tag-b")}, Data: []byte{0xff, 0xff}})},
			want{status: 400, body: "codecserver: decode: codec 1 (codecserver.tagCodec): payload 0: "}},
		{"codec error", &Options{Codecs: []converter.PayloadCodec{a, failing}},
			request{method: "POST", path: "/decode", body: body(t, ada)},
			want{status: 400, body: `codecserver: decode: codec 1 (codecserver.funcCodec): unknown key id "k9"`}},
		{"codec panic", &Options{Codecs: []converter.PayloadCodec{panicking}},
			request{method: "POST", path: "/encode", body: body(t, ada)},
			want{status: 500, body: "codecserver: encode: codec 0 (codecserver.funcCodec) panicked: codec bug"}},
		{"codec drops a payload", &Options{Codecs: []converter.PayloadCodec{dropping}},
			request{method: "POST", path: "/encode", body: body(t, ada, bob)},
			want{status: 500, body: "codec 0 (codecserver.funcCodec) returned 1 payloads for 2"}},
		{"codec returns nil payloads", &Options{Codecs: []converter.PayloadCodec{nilling}},
			request{method: "POST", path: "/encode", body: body(t, ada)},
			want{status: 500, body: "returned a nil payload 0"}},

		{"preflight", nil,
			request{method: "OPTIONS", path: "/decode", header: map[string]string{
				"Origin": ui, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-namespace,authorization"}},
			want{status: 204, header: map[string]string{
				"Access-Control-Allow-Origin":      ui,
				"Access-Control-Allow-Credentials": "true",
				"Access-Control-Allow-Methods":     "POST, OPTIONS",
				"Access-Control-Allow-Headers":     "Content-Type, X-Namespace, Authorization",
			}}},
		{"preflight from another origin", nil,
			request{method: "OPTIONS", path: "/decode", header: map[string]string{"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}},
			want{status: 403, body: `codecserver: origin "http://evil.example" is not allowed`, header: map[string]string{
				"Access-Control-Allow-Origin": "", "Access-Control-Allow-Headers": ""}}},
		{"127.0.0.1 is another origin than localhost", nil,
			request{method: "OPTIONS", path: "/decode", header: map[string]string{"Origin": "http://127.0.0.1:8233", "Access-Control-Request-Method": "POST"}},
			want{status: 403}},
		{"OPTIONS without Origin", nil,
			request{method: "OPTIONS", path: "/encode"},
			want{status: 204, header: map[string]string{"Allow": "POST, OPTIONS", "Access-Control-Allow-Origin": ""}}},
		{"preflight of an unknown path", nil,
			request{method: "OPTIONS", path: "/other", header: map[string]string{"Origin": ui}},
			want{status: 404}},
		{"POST from the UI", nil,
			request{method: "POST", path: "/decode", body: body(t, encAB...), header: map[string]string{"Origin": ui, "X-Namespace": "default"}},
			want{status: 200, payloads: []*commonpb.Payload{ada, bob}, header: map[string]string{
				"Access-Control-Allow-Origin": ui, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}}},
		{"POST from another origin gets no CORS headers", nil,
			request{method: "POST", path: "/decode", body: body(t, ada), header: map[string]string{"Origin": "http://evil.example"}},
			want{status: 200, header: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": ""}}},
		{"errors carry CORS headers", nil,
			request{method: "POST", path: "/decode", body: "{", header: map[string]string{"Origin": ui}},
			want{status: 400, header: map[string]string{"Access-Control-Allow-Origin": ui}}},
		{"any origin is echoed", &Options{Codecs: base.Codecs, AllowedOrigins: []string{"*"}},
			request{method: "OPTIONS", path: "/decode", header: map[string]string{"Origin": "https://ui.example.com"}},
			want{status: 204, header: map[string]string{"Access-Control-Allow-Origin": "https://ui.example.com", "Access-Control-Allow-Credentials": "true"}}},
		{"no CORS without AllowedOrigins", &Options{Codecs: base.Codecs},
			request{method: "POST", path: "/decode", body: body(t, ada), header: map[string]string{"Origin": ui}},
			want{status: 200, header: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := base
			if tt.opts != nil {
				opts = *tt.opts
			}
			opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			h, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			check(t, h, tt.req, tt.want)
		})
	}
}

func TestAuthorize(t *testing.T) {
	var seen []string
	tests := []struct {
		name      string
		authorize func(*http.Request) error
		req       request
		want      want
	}{
		{"no header", RequireAuthorization("Bearer s3cret"),
			request{method: "POST", path: "/decode", body: `{}`},
			want{status: 401, body: "codecserver: unauthorized: the request has no Authorization header"}},
		{"wrong value", RequireAuthorization("Bearer s3cret"),
			request{method: "POST", path: "/decode", body: `{}`, header: map[string]string{"Authorization": "Bearer guess"}},
			want{status: 403, body: "codecserver: forbidden: the Authorization header does not match"}},
		{"prefix of the value", RequireAuthorization("Bearer s3cret"),
			request{method: "POST", path: "/decode", body: `{}`, header: map[string]string{"Authorization": "Bearer s3cre"}},
			want{status: 403}},
		{"right value", RequireAuthorization("Bearer s3cret"),
			request{method: "POST", path: "/decode", body: `{}`, header: map[string]string{"Authorization": "Bearer s3cret"}},
			want{status: 200, body: `{"payloads":[]}`}},
		{"empty expected value refuses all", RequireAuthorization(""),
			request{method: "POST", path: "/decode", body: `{}`, header: map[string]string{"Authorization": ""}},
			want{status: 403, body: "given an empty value"}},
		{"preflight is not checked", RequireAuthorization("Bearer s3cret"),
			request{method: "OPTIONS", path: "/decode", header: map[string]string{"Origin": "http://localhost:8233"}},
			want{status: 204, header: map[string]string{"Access-Control-Allow-Origin": "http://localhost:8233"}}},
		{"checked before the body is read", RequireAuthorization("Bearer s3cret"),
			request{method: "POST", path: "/decode", body: "{"},
			want{status: 401}},
		{"custom check: wrapped ErrUnauthorized", func(r *http.Request) error {
			seen = append(seen, r.Header.Get("X-Namespace"))
			return fmt.Errorf("token expired: %w", ErrUnauthorized)
		},
			request{method: "POST", path: "/decode", body: `{}`, header: map[string]string{"X-Namespace": "ns1"}},
			want{status: 401, body: "token expired: codecserver: unauthorized"}},
		{"custom check: other error", func(*http.Request) error { return errors.New("namespace ns1 is not yours") },
			request{method: "POST", path: "/decode", body: `{}`},
			want{status: 403, body: "namespace ns1 is not yours"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(Options{
				Codecs:         []converter.PayloadCodec{tagCodec{"a"}},
				AllowedOrigins: []string{"http://localhost:8233"},
				Authorize:      tt.authorize,
			})
			if err != nil {
				t.Fatal(err)
			}
			check(t, h, tt.req, tt.want)
		})
	}
	if len(seen) != 1 || seen[0] != "ns1" {
		t.Errorf("the custom check saw namespaces %q, want [ns1]", seen)
	}
}

// TestPanicDoesNotStopTheServer sends requests to a real listener: a
// panicking codec fails its request and the next one is served.
func TestPanicDoesNotStopTheServer(t *testing.T) {
	var logs bytes.Buffer
	h, err := New(Options{
		Namespaces: map[string][]converter.PayloadCodec{"bad": {panicking}, "good": {tagCodec{"a"}}},
		Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, ns := range []string{"bad", "good", "bad", "good"} {
		req, _ := http.NewRequest("POST", srv.URL+"/encode", strings.NewReader(body(t, plain(`1`))))
		req.Header.Set("X-Namespace", ns)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("namespace %s: %v", ns, err)
		}
		_ = resp.Body.Close()
		if want := map[string]int{"bad": 500, "good": 200}[ns]; resp.StatusCode != want {
			t.Errorf("namespace %s: status %d, want %d", ns, resp.StatusCode, want)
		}
	}
	if !strings.Contains(logs.String(), "codec panicked") || !strings.Contains(logs.String(), "handler_test.go") {
		t.Errorf("the panic was not logged with its stack:\n%s", logs.String())
	}
}

func check(t *testing.T, h http.Handler, req request, want want) {
	t.Helper()
	r := httptest.NewRequest(req.method, req.path, strings.NewReader(req.body))
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	got := rec.Body.String()
	if rec.Code != want.status {
		t.Fatalf("status %d, want %d; body: %s", rec.Code, want.status, got)
	}
	if want.body != "" {
		compact := got
		if rec.Header().Get("Content-Type") == "application/json" {
			var b bytes.Buffer
			if err := json.Compact(&b, rec.Body.Bytes()); err != nil {
				t.Fatalf("response is not JSON: %v: %s", err, got)
			}
			compact = b.String()
		}
		if !strings.Contains(compact, want.body) {
			t.Errorf("body %q does not contain %q", compact, want.body)
		}
	}
	for k, v := range want.header {
		if g := strings.Join(rec.Header().Values(k), ", "); g != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if want.payloads != nil {
		var ps commonpb.Payloads
		if err := protojson.Unmarshal(rec.Body.Bytes(), &ps); err != nil {
			t.Fatalf("response is not Payloads: %v: %s", err, got)
		}
		if len(ps.Payloads) != len(want.payloads) {
			t.Fatalf("%d payloads, want %d: %s", len(ps.Payloads), len(want.payloads), got)
		}
		for i := range ps.Payloads {
			if !proto.Equal(ps.Payloads[i], want.payloads[i]) {
				t.Errorf("payload %d = %v, want %v", i, ps.Payloads[i], want.payloads[i])
			}
		}
	}
}
