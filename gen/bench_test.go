package gen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/temporalgen/temporalgen/gen/emit"
	"github.com/temporalgen/temporalgen/gen/internal/synth"
)

// synthPackage writes a synthetic package of n workflows into a fresh
// directory inside the module and returns the module root and the
// package pattern relative to it.
func synthPackage(tb testing.TB, n int) (root, pattern string) {
	tb.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		tb.Fatal(err)
	}
	tmp, err := os.MkdirTemp(root, "_bench-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(tmp) })
	if err := synth.Write(filepath.Join(tmp, synth.PackageName), n); err != nil {
		tb.Fatal(err)
	}
	return root, "./" + filepath.Base(tmp) + "/" + synth.PackageName
}

// BenchmarkGenerate200 runs Generate (load, check, determinism analysis,
// emission) on a package of 200 workflows, each with 2 signals, 1 query,
// 1 update and 2 activities. Compare with go vet on the same package with
//
//	go run ./gen/internal/synth/benchcmp -n 200
func BenchmarkGenerate200(b *testing.B) {
	root, pattern := synthPackage(b, 200)
	cfg := Config{Dir: root, Patterns: []string{pattern}}
	// Regenerating is the steady state: the generated file is there.
	res, err := Generate(cfg)
	if err != nil || len(res.Files) != 1 {
		b.Fatalf("first generation: %v", err)
	}
	if err := os.WriteFile(res.Files[0].Path, res.Files[0].Content, 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := Generate(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Errors) > 0 || len(res.Files) != 1 {
			b.Fatalf("%d files, %d errors, first: %v", len(res.Files), len(res.Errors), res.Errors[:min(3, len(res.Errors))])
		}
	}
}

// BenchmarkEmit200 is the emission stage alone of BenchmarkGenerate200.
func BenchmarkEmit200(b *testing.B) {
	root, pattern := synthPackage(b, 200)
	res, err := Generate(Config{Dir: root, Patterns: []string{pattern}})
	if err != nil || len(res.Errors) > 0 || len(res.Model) != 1 {
		b.Fatalf("generate: %v %v", err, res.Errors)
	}
	m := res.Model[0]
	b.ResetTimer()
	for b.Loop() {
		if _, errs := emit.File(m); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
