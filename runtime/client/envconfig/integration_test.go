package envconfig_test

// Integration test: the real Temporal CLI writes a profile, this package
// loads it, and runtime/client uses it against a real dev server.

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/client/envconfig"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// configSet runs `temporal config set` on file for profile, with no
// TEMPORAL_* variable of this process reaching the CLI.
func configSet(t *testing.T, bin, file, profile, prop, value string) {
	t.Helper()
	cmd := exec.Command(bin, "config", "set", "--config-file", file, "--profile", profile, "--prop", prop, "--value", value)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEMPORAL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("temporal config set --prop %s: %v\n%s", prop, err, out)
	}
}

// unsetEnv unsets the variables for the test (restored afterwards).
func unsetEnv(t *testing.T, names ...string) {
	for _, n := range names {
		t.Setenv(n, "")
		if err := os.Unsetenv(n); err != nil {
			t.Fatal(err)
		}
	}
}

// headerRecorder is a client interceptor keeping the outgoing metadata of
// the last call of each method.
type headerRecorder struct {
	mu sync.Mutex
	md map[string]metadata.MD
}

func (r *headerRecorder) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	md, _ := metadata.FromOutgoingContext(ctx)
	r.mu.Lock()
	r.md[method] = md
	r.mu.Unlock()
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (r *headerRecorder) get(method string) metadata.MD {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.md[method]
}

func TestCLIWrittenProfileAgainstDevServer(t *testing.T) {
	const ns = "envconfig-ns"
	srv, err := devserver.Start(devserver.Options{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })

	// The CLI writes two profiles; the one chosen has everything this
	// package turns into client options, over plaintext with an API key
	// (the dev server ignores the key).
	file := filepath.Join(t.TempDir(), "temporal.toml")
	header := testenv.UniqueID("v")
	for _, s := range [][2]string{
		{"address", srv.Address()},
		{"namespace", ns},
		{"api_key", "test-key"},
		{"tls.disabled", "true"},
		{"grpc_meta.x-envconfig-test", header},
		{"codec.endpoint", "http://127.0.0.1:1/codec"},
		{"codec.auth", "Bearer codec"},
	} {
		configSet(t, srv.Binary(), file, "it", s[0], s[1])
	}
	configSet(t, srv.Binary(), file, "unreachable", "address", "127.0.0.1:1")

	// Chosen through the process environment, as a program would.
	unsetEnv(t, "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_TLS", "TEMPORAL_CLIENT_AUTHORITY")
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TEMPORAL_TLS_") || strings.HasPrefix(name, "TEMPORAL_GRPC_META_") || strings.HasPrefix(name, "TEMPORAL_CODEC_") {
			unsetEnv(t, name)
		}
	}
	t.Setenv(envconfig.EnvConfigFile, file)
	t.Setenv(envconfig.EnvProfile, "it")

	p, err := envconfig.LoadProfile(envconfig.LoadOptions{})
	if err != nil {
		t.Fatalf("load the CLI's file: %v\n%s", err, readFile(t, file))
	}
	if p.Address != srv.Address() || p.Namespace != ns || p.APIKey != "test-key" ||
		p.TLS == nil || !p.TLS.Disabled || p.GRPCMeta["x-envconfig-test"] != header ||
		p.Codec == nil || p.Codec.Endpoint != "http://127.0.0.1:1/codec" || p.Codec.Auth != "Bearer codec" {
		t.Fatalf("profile = %+v (TLS %+v, codec %+v)\nfile:\n%s", p, p.TLS, p.Codec, readFile(t, file))
	}
	cfg, err := envconfig.LoadConfig(envconfig.LoadOptions{})
	if err != nil || cfg.File != file || len(cfg.Profiles) != 2 || cfg.Profiles["unreachable"].Address != "127.0.0.1:1" {
		t.Fatalf("LoadConfig = %+v, %v", cfg, err)
	}

	opts, err := envconfig.ClientOptions(envconfig.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &headerRecorder{md: map[string]metadata.MD{}}
	opts.GRPCDialOptions = append(opts.GRPCDialOptions, grpc.WithChainUnaryInterceptor(rec.intercept))
	opts.Logger = testenv.Logger(t, slog.LevelInfo)
	c, err := client.Dial(testenv.Context(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if c.Namespace() != ns || c.HostPort() != srv.Address() {
		t.Errorf("client works in %q at %s", c.Namespace(), c.HostPort())
	}

	// A real workflow, run by a worker on the same client.
	tq := testenv.UniqueID("tq-envconfig")
	testenv.StartWorker(t, c, tq, worker.Options{}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("EnvconfigEcho", func(_ workflow.Context, s string) (string, error) {
			return "echo: " + s, nil
		}))
	})
	h := testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "EnvconfigEcho", "hi")
	if got := testenv.Result[string](t, h); got != "echo: hi" {
		t.Errorf("result = %q", got)
	}

	// The start request carried the profile's header and API key.
	md := rec.get("/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution")
	if got := md.Get("x-envconfig-test"); len(got) != 1 || got[0] != header {
		t.Errorf("x-envconfig-test = %q, want %q (metadata %v)", got, header, md)
	}
	if got := md.Get("authorization"); len(got) != 1 || got[0] != "Bearer test-key" {
		t.Errorf("authorization = %q", got)
	}

	// The CLI, as an independent client, finds the workflow closed in the
	// profile's namespace.
	out, err := srv.CLI(testenv.Context(t), "workflow", "describe", "--namespace", ns, "-w", h.ID(), "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "WORKFLOW_EXECUTION_STATUS_COMPLETED") {
		t.Errorf("temporal workflow describe:\n%s", out)
	}
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
