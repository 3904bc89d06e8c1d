package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen"
)

const cases = "../../testdata/"

func TestErrorsExit2(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{cases + "ErrTwoRuns", cases + "ErrUnknownKey"}, &stdout, &stderr)
	if code != exitError {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitError, &stderr)
	}
	out := stderr.String()
	for _, want := range []string{
		"ErrTwoRuns/input.go:12:19: second //temporal:run method RunAgain",
		`ErrUnknownKey/input.go:11:19: unknown option "descripton" for //temporal:signal: did you mean "description"?`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	// Sorted by position, one per line.
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 9 {
		t.Errorf("got %d lines, want 9:\n%s", len(lines), out)
	}
}

func TestCleanPackageExit0(t *testing.T) {
	for _, args := range [][]string{
		{cases + "Greeter"},
		{"-diff", cases + "Greeter"},
		{"-tags", "a,b", "-o", "zz_{pkg}.go", cases + "ActivityStruct"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK {
			t.Errorf("%q: exit %d; stderr:\n%s", args, code, &stderr)
		}
	}
}

func TestNondeterminismExit2(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{cases + "ErrNondeterministic"}, &stdout, &stderr); code != exitError {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "nondeterministic call to time.Now in workflow Clock (via (*Clock).Run → stamp)") {
		t.Errorf("stderr:\n%s", &stderr)
	}
}

func TestVet(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"vet", cases + "ErrNondeterministic"}, &stdout, &stderr); code != exitError {
		t.Fatalf("vet: exit %d, want 2", code)
	}
	if n := strings.Count(stderr.String(), "nondeterministic"); n != 2 {
		t.Errorf("vet: %d findings, want 2:\n%s", n, &stderr)
	}
	stderr.Reset()
	if code := run([]string{"vet", cases + "Greeter"}, &stdout, &stderr); code != exitOK {
		t.Errorf("vet clean package: exit %d:\n%s", code, &stderr)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"-docs"}, {"-o", "dir/x.go"}, {"-o", "x.txt"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitError {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: no message", args)
		}
	}
}

func TestApply(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p_temporal.go")
	files := []gen.File{{Path: path, Content: []byte("package p\n\nconst A = 1\n")}}

	var stdout, stderr bytes.Buffer
	if code := apply(files, true, &stdout, &stderr); code != exitDrift {
		t.Errorf("diff of a missing file: exit %d, want 1", code)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("-diff wrote a file")
	}
	if code := apply(files, false, &stdout, &stderr); code != exitOK {
		t.Fatalf("write: exit %d: %s", code, &stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != string(files[0].Content) {
		t.Errorf("wrote %q", got)
	}
	stdout.Reset()
	if code := apply(files, true, &stdout, &stderr); code != exitOK || stdout.Len() != 0 {
		t.Errorf("diff when up to date: exit %d, output %q", code, &stdout)
	}
	files[0].Content = []byte("package p\n\nconst A = 2\n")
	if code := apply(files, true, &stdout, &stderr); code != exitDrift {
		t.Errorf("diff on drift: exit %d, want 1", code)
	}
	want := "@@ -3,1 +3,1 @@\n-const A = 1\n+const A = 2\n"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("diff:\n%s\nwant it to contain:\n%s", &stdout, want)
	}
}

func TestWriteDiffInsertion(t *testing.T) {
	var b bytes.Buffer
	writeDiff(&b, "f.go", []byte("a\nc\n"), []byte("a\nb\nc\n"))
	want := "--- f.go\n+++ f.go (generated)\n@@ -1,0 +2,1 @@\n+b\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
