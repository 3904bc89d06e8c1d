package devserver_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

// shared is the server started by TestMain for the read-only tests.
var shared *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { shared = s }))
}

func dial(t *testing.T, s *devserver.Server) workflowservice.WorkflowServiceClient {
	t.Helper()
	conn, err := grpc.NewClient(s.Address(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return workflowservice.NewWorkflowServiceClient(conn)
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestGetSystemInfo(t *testing.T) {
	resp, err := dial(t, shared).GetSystemInfo(ctx(t), &workflowservice.GetSystemInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetServerVersion() == "" {
		t.Errorf("empty server version: %v", resp)
	}
	if shared.Namespace() != "default" {
		t.Errorf("Namespace() = %q", shared.Namespace())
	}
	if !strings.HasPrefix(shared.Address(), "127.0.0.1:") {
		t.Errorf("Address() = %q", shared.Address())
	}
	if shared.UIURL() != "" {
		t.Errorf("headless server has UIURL %q", shared.UIURL())
	}
	t.Logf("server %s version %s", shared.Address(), resp.GetServerVersion())
}

func TestNamespaceCapabilities(t *testing.T) {
	resp, err := dial(t, shared).DescribeNamespace(ctx(t), &workflowservice.DescribeNamespaceRequest{Namespace: shared.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	c := resp.GetNamespaceInfo().GetCapabilities()
	if !c.GetSyncUpdate() || !c.GetAsyncUpdate() || !c.GetEagerWorkflowStart() {
		t.Errorf("capabilities = %v, want sync+async update and eager start", c)
	}
}

func TestCLINamespaceList(t *testing.T) {
	out, err := shared.CLI(ctx(t), "operator", "namespace", "list", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		NamespaceInfo struct {
			Name string `json:"name"`
		} `json:"namespaceInfo"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("parse %q: %v", out, err)
	}
	var names []string
	for _, n := range list {
		names = append(names, n.NamespaceInfo.Name)
	}
	if !slices.Contains(names, "default") {
		t.Errorf("namespaces = %v, want default", names)
	}
}

func TestCLIErrorIncludesStderr(t *testing.T) {
	_, err := shared.CLI(ctx(t), "workflow", "describe", "--workflow-id", "does-not-exist")
	if err == nil {
		t.Fatal("expected error")
	}
	if !strings.Contains(strings.ToLower(err.Error()), "not found") {
		t.Errorf("error lacks stderr detail: %v", err)
	}
}

// startWorkflow starts a workflow (no worker needed) through the CLI.
func startWorkflow(t *testing.T, s *devserver.Server, id string) {
	t.Helper()
	if _, err := s.CLI(ctx(t), "workflow", "start", "--type", "Nope", "--task-queue", "devserver-test",
		"--workflow-id", id); err != nil {
		t.Fatal(err)
	}
}

func workflowExists(t *testing.T, s *devserver.Server, id string) bool {
	t.Helper()
	_, err := dial(t, s).DescribeWorkflowExecution(ctx(t), &workflowservice.DescribeWorkflowExecutionRequest{
		Namespace: s.Namespace(),
		Execution: &commonpb.WorkflowExecution{WorkflowId: id},
	})
	if err != nil && !strings.Contains(err.Error(), "NotFound") && !strings.Contains(err.Error(), "not found") {
		t.Fatalf("describe %s: %v", id, err)
	}
	return err == nil
}

func TestRestart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		db      bool
		persist bool
		kill    bool // Kill (SIGKILL) before Restart
	}{
		{"with-db-file", true, true, false},
		{"in-memory", false, false, false},
		{"killed-with-db-file", true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := devserver.Options{}
			if tc.db {
				opts.DBFile = filepath.Join(t.TempDir(), "temporal.db")
			}
			s, err := devserver.Start(opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Stop() })

			startWorkflow(t, s, "restart-me")
			if !workflowExists(t, s, "restart-me") {
				t.Fatal("workflow not visible before restart")
			}
			addr := s.Address()
			t0 := time.Now()
			if tc.kill {
				if err := s.Kill(); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Restart(); err != nil {
				t.Fatal(err)
			}
			t.Logf("restart took %v", time.Since(t0))
			if s.Address() != addr {
				t.Errorf("address changed across restart: %s -> %s", addr, s.Address())
			}
			if _, err := dial(t, s).GetSystemInfo(ctx(t), &workflowservice.GetSystemInfoRequest{}); err != nil {
				t.Fatal(err)
			}
			if got := workflowExists(t, s, "restart-me"); got != tc.persist {
				t.Errorf("workflow exists after restart = %v, want %v", got, tc.persist)
			}
		})
	}
}

func TestStopIdempotentAndRestartAfterStop(t *testing.T) {
	t.Parallel()
	s, err := devserver.Start(devserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	if err := s.Stop(); err != nil {
		t.Fatalf("first Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := dial(t, s).GetSystemInfo(c, &workflowservice.GetSystemInfoRequest{}); err == nil {
		t.Fatal("server still answering after Stop")
	}
	if err := s.Restart(); err != nil {
		t.Fatalf("Restart after Stop: %v", err)
	}
	if _, err := dial(t, s).GetSystemInfo(ctx(t), &workflowservice.GetSystemInfoRequest{}); err != nil {
		t.Fatal(err)
	}
}

func TestOptionsArgs(t *testing.T) {
	s, err := devserver.Start(devserver.Options{
		Namespace:        "other-ns",
		SearchAttributes: map[string]string{"CustomKeyword": "Keyword"},
		DynamicConfig:    map[string]string{"system.enableNexus": "false", "limit.maxIDLength": "500"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	args := strings.Join(s.Args(), " ")
	for _, want := range []string{
		"--headless", "--metrics-port 0", "--log-level error", "--namespace other-ns",
		"--search-attribute CustomKeyword=Keyword",
		"--dynamic-config-value system.enableNexus=false",
		"--dynamic-config-value limit.maxIDLength=500",
		"--dynamic-config-value frontend.enableUpdateWorkflowExecution=true",
	} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %q", args, want)
		}
	}
	if s.Namespace() != "other-ns" {
		t.Errorf("Namespace() = %q", s.Namespace())
	}
	out, err := s.CLI(ctx(t), "operator", "search-attribute", "list", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "CustomKeyword") {
		t.Errorf("search attribute missing from %s", out)
	}
}

func TestMissingBinary(t *testing.T) {
	_, err := devserver.Start(devserver.Options{Binary: filepath.Join(t.TempDir(), "nope")})
	if err == nil || !strings.Contains(err.Error(), "make devserver") {
		t.Fatalf("err = %v, want hint to run make devserver", err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(devserver.EnvBinary, "")
	t.Chdir(dir)
	_, err = devserver.Start(devserver.Options{})
	if err == nil || !strings.Contains(err.Error(), "make devserver") ||
		!strings.Contains(err.Error(), filepath.Join(dir, "bin", "temporal")) {
		t.Fatalf("err = %v, want hint naming %s", err, filepath.Join(dir, "bin", "temporal"))
	}
}
