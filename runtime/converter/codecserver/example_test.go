package codecserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/converter/codecserver"
)

func Example() {
	zlib := converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true})
	h, err := codecserver.New(codecserver.Options{
		Codecs:         []converter.PayloadCodec{zlib},
		AllowedOrigins: []string{"http://localhost:8233"},
		Authorize:      codecserver.RequireAuthorization("Bearer s3cret"),
	})
	if err != nil {
		panic(err)
	}
	// A real server: http.ListenAndServe("127.0.0.1:8081", h).
	srv := httptest.NewServer(h)
	defer srv.Close()

	// The client side, as the temporal CLI calls it.
	remote, err := codecserver.NewRemoteCodec(codecserver.RemoteCodecOptions{
		Endpoint:      srv.URL,
		Namespace:     "default",
		Authorization: "Bearer s3cret",
	})
	if err != nil {
		panic(err)
	}
	p, _ := converter.Default().ToPayload("hello")
	enc, err := remote.Encode([]*commonpb.Payload{p})
	if err != nil {
		panic(err)
	}
	fmt.Printf("encoded: %s\n", enc[0].Metadata[converter.MetadataEncoding])
	dec, err := remote.Decode(enc)
	if err != nil {
		panic(err)
	}
	fmt.Printf("decoded: %s %s\n", dec[0].Metadata[converter.MetadataEncoding], dec[0].Data)

	// Plain HTTP: a payload passes through a codec that does not know it.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/decode",
		strings.NewReader(`{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkFkYSI="}]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	req.Header.Set("Authorization", "Bearer s3cret")
	show(http.DefaultClient.Do(req))

	// Without credentials.
	show(http.Post(srv.URL+"/decode", "application/json", strings.NewReader(`{"payloads":[]}`)))
	// Output:
	// encoded: binary/zlib
	// decoded: json/plain "hello"
	// 200 {"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkFkYSI="}]}
	// 401 codecserver: unauthorized: the request has no Authorization header
}

func show(resp *http.Response, err error) {
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Type") == "application/json" {
		var b bytes.Buffer
		_ = json.Compact(&b, body) // protojson varies its spacing on purpose
		body = b.Bytes()
	}
	fmt.Println(resp.StatusCode, strings.TrimSpace(string(body)))
}
