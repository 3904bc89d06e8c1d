package client

import (
	"context"
	"strings"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/metadata"
)

func TestDialSendsOptionsHeaders(t *testing.T) {
	fake, addr := startFakeFrontend(t)

	c, err := Dial(context.Background(), Options{
		HostPort:   addr,
		Namespace:  "ns1",
		APIKey:     "key1",
		DisableTLS: true,
		Headers: map[string]string{
			"X-Route":       "eu-1",     // sent lower case
			"authorization": "Custom k", // replaces the API key's header
			"x-trace":       "from-options",
			"x-data-bin":    "\x00\xff", // binary values are allowed
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()

	// Dial's own GetSystemInfo carries the headers.
	fake.mu.Lock()
	md := fake.md
	fake.mu.Unlock()
	want := map[string]string{
		"x-route":            "eu-1",
		"authorization":      "Custom k",
		"x-trace":            "from-options",
		"x-data-bin":         "\x00\xff",
		"client-name":        ClientName,
		"temporal-namespace": "ns1",
	}
	for k, v := range want {
		if got := md.Get(k); len(got) != 1 || got[0] != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}

	// A header in the call's context wins over Options.Headers.
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-trace", "from-call")
	if _, err := c.WorkflowService().GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	md = fake.md
	fake.mu.Unlock()
	for k, v := range map[string]string{"x-trace": "from-call", "x-route": "eu-1"} {
		if got := md.Get(k); len(got) != 1 || got[0] != v {
			t.Errorf("call header %s = %q, want %q", k, got, v)
		}
	}
}

func TestOptionsHeadersRejected(t *testing.T) {
	for _, tc := range []struct {
		headers map[string]string
		want    string
	}{
		{map[string]string{"": "v"}, "empty header name"},
		{map[string]string{"x route": "v"}, `header name "x route" has the character ' '`},
		{map[string]string{"x:route": "v"}, `header name "x:route" has the character ':'`},
		{map[string]string{"grpc-timeout": "1S"}, `header name "grpc-timeout" is reserved by gRPC`},
		{map[string]string{"x-route": "a\nb"}, `value of header "x-route" has the character '\n'`},
		{map[string]string{"x-route": "é"}, `value of header "x-route" has the character 'é'`},
		{map[string]string{"X-Route": "a", "x-route": "b"}, `has both "X-Route" and "x-route"`},
	} {
		_, err := Options{Headers: tc.headers}.withDefaults()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Headers %q: error = %v, want it to contain %q", tc.headers, err, tc.want)
		}
	}
	if _, err := (Options{Headers: map[string]string{"X-Ok_1.2": "printable ~ ASCII", "x-b-bin": "\x01"}}).withDefaults(); err != nil {
		t.Errorf("valid headers rejected: %v", err)
	}
}

func TestWithHeaders(t *testing.T) {
	kv := []string{"a", "1", "b", "2"}
	got := withHeaders(kv, map[string]string{"B": "20", "d": "4", "c": "3"})
	want := []string{"a", "1", "b", "20", "c", "3", "d", "4"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("withHeaders = %q, want %q", got, want)
	}
	if kv[3] != "2" {
		t.Errorf("withHeaders changed its input: %q", kv)
	}
	if got := withHeaders(kv, nil); len(got) != 4 {
		t.Errorf("withHeaders(nil) = %q", got)
	}
}
