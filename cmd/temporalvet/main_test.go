package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoVet builds temporalvet and runs it under go vet on a small
// self-contained module.
func TestGoVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and runs go vet")
	}
	tmp := t.TempDir()
	tool := filepath.Join(tmp, "temporalvet")
	if out, err := exec.Command("go", "build", "-o", tool, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	mod := filepath.Join(tmp, "mod")
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(mod, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("clock/clock.go", "package clock\n\nimport \"time\"\n\n// Stamp reads the clock.\nfunc Stamp() int64 { return time.Now().Unix() }\n")
	write("wf/wf.go", `package wf

import "example.com/m/clock"

// W is a workflow.
//
//temporal:workflow
type W struct{}

//temporal:run
func (w *W) Run() int64 { return clock.Stamp() }
`)
	cmd := exec.Command("go", "vet", "-vettool="+tool, "./...")
	cmd.Dir = mod
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet succeeded; want a finding:\n%s", out)
	}
	want := "wf.go:11:34: nondeterministic call to time.Now in workflow W (via (*W).Run → clock.Stamp, at clock.go:6:29): use workflow.Now(ctx)"
	if !strings.Contains(string(out), want) {
		t.Errorf("go vet output:\n%s\nwant it to contain:\n%s", out, want)
	}
}
