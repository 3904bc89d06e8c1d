package nexus_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/temporalgen/temporalgen/gen"
)

// TestGeneratedIsCurrent is the drift check: what go generate would write
// (temporalgen -docs on this package) equals the committed files.
func TestGeneratedIsCurrent(t *testing.T) {
	res, err := gen.Generate(gen.Config{Patterns: []string{"."}, Docs: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Error(e)
	}
	if len(res.Files) != 3 {
		t.Fatalf("generated %d files, want nexus_temporal.go, _test.go and .md", len(res.Files))
	}
	for _, f := range res.Files {
		committed, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, f.Content) {
			t.Errorf("%s is stale: run go generate ./examples/nexus", filepath.Base(f.Path))
		}
	}
}
