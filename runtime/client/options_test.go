package client

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

func TestOptionsDefaults(t *testing.T) {
	t.Setenv(EnvAddress, "")
	t.Setenv(EnvNamespace, "")
	t.Setenv(EnvAPIKey, "")
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	want := strconv.Itoa(os.Getpid()) + "@" + host
	switch {
	case o.HostPort != "localhost:7233":
		t.Errorf("HostPort = %q", o.HostPort)
	case o.Namespace != "default":
		t.Errorf("Namespace = %q", o.Namespace)
	case o.APIKey != "":
		t.Errorf("APIKey = %q", o.APIKey)
	case o.Identity != want:
		t.Errorf("Identity = %q, want %q", o.Identity, want)
	case o.TLS != nil:
		t.Errorf("TLS enabled without API key")
	case o.DialTimeout != 10*time.Second:
		t.Errorf("DialTimeout = %v", o.DialTimeout)
	case o.Logger == nil || o.DataConverter == nil || o.FailureConverter == nil:
		t.Errorf("logger/converters not defaulted: %+v", o)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv(EnvAddress, "temporal.example:7233")
	t.Setenv(EnvNamespace, "orders")
	t.Setenv(EnvAPIKey, "secret")
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.HostPort != "temporal.example:7233" || o.Namespace != "orders" || o.APIKey != "secret" {
		t.Errorf("env not applied: %q %q %q", o.HostPort, o.Namespace, o.APIKey)
	}
	if o.TLS == nil {
		t.Errorf("API key did not imply TLS")
	}

	// Explicit values win over the environment.
	o, err = Options{HostPort: "h:1", Namespace: "ns", APIKey: "k", Identity: "me", DisableTLS: true}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.HostPort != "h:1" || o.Namespace != "ns" || o.APIKey != "k" || o.Identity != "me" {
		t.Errorf("explicit options overridden: %+v", o)
	}
	if o.TLS != nil {
		t.Errorf("DisableTLS ignored")
	}

	if _, err := (Options{TLS: &tls.Config{}, DisableTLS: true}).withDefaults(); err == nil {
		t.Errorf("TLS together with DisableTLS accepted")
	}
}

// fakeFrontend is a WorkflowService server answering GetSystemInfo and
// recording the metadata of the calls it receives.
type fakeFrontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
	mu sync.Mutex
	md metadata.MD
}

func (f *fakeFrontend) GetSystemInfo(ctx context.Context, _ *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	f.md = md
	f.mu.Unlock()
	return &workflowservice.GetSystemInfoResponse{ServerVersion: "fake"}, nil
}

// startFakeFrontend serves a fakeFrontend on a loopback port until the
// test ends and returns it with its address.
func startFakeFrontend(t *testing.T) (*fakeFrontend, string) {
	fake := &fakeFrontend{}
	return fake, serveFrontend(t, fake)
}

// serveFrontend serves impl on a loopback port until the test ends and
// returns the address.
func serveFrontend(t *testing.T, impl workflowservice.WorkflowServiceServer) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	workflowservice.RegisterWorkflowServiceServer(srv, impl)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func TestDialSendsHeaders(t *testing.T) {
	fake, addr := startFakeFrontend(t)

	c, err := Dial(context.Background(), Options{
		HostPort:   addr,
		Namespace:  "ns1",
		APIKey:     "key1",
		DisableTLS: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if c.SystemInfo().GetServerVersion() != "fake" {
		t.Errorf("SystemInfo = %v", c.SystemInfo())
	}
	fake.mu.Lock()
	md := fake.md
	fake.mu.Unlock()
	want := map[string]string{
		"client-name":        ClientName,
		"client-version":     ClientVersion,
		"temporal-namespace": "ns1",
		"authorization":      "Bearer key1",
		"supported-features": "follows-next-run-id",
	}
	for k, v := range want {
		if got := md.Get(k); len(got) != 1 || got[0] != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
}

func TestDialKeepsHeadersTheCallerSet(t *testing.T) {
	fake, addr := startFakeFrontend(t)

	c, err := Dial(context.Background(), Options{HostPort: addr, Namespace: "ns1", DisableTLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "temporal-namespace", "ns2", "x-custom", "1")
	if _, err := c.WorkflowService().GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	md := fake.md
	fake.mu.Unlock()
	for k, v := range map[string]string{"temporal-namespace": "ns2", "x-custom": "1", "client-name": ClientName} {
		if got := md.Get(k); len(got) != 1 || got[0] != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
}

func TestDialClosedPortFailsWithinTimeout(t *testing.T) {
	// Find a port nobody listens on.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	_ = lis.Close()

	const timeout = 2 * time.Second
	start := time.Now()
	_, err = Dial(context.Background(), Options{HostPort: addr, DialTimeout: timeout})
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("Dial to a closed port succeeded")
	}
	want := "client: cannot reach Temporal at " + addr + " within 2s: "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
	if elapsed > timeout+2*time.Second {
		t.Errorf("Dial took %v, timeout %v", elapsed, timeout)
	}
}
