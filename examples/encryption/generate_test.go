package encryption_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/temporalgen/temporalgen/gen"
)

// TestGeneratedIsCurrent is the drift check: what go generate would write
// equals the committed files.
func TestGeneratedIsCurrent(t *testing.T) {
	res, err := gen.Generate(gen.Config{Patterns: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Error(e)
	}
	if len(res.Files) != 2 {
		t.Fatalf("generated %d files, want encryption_temporal.go and encryption_temporal_test.go", len(res.Files))
	}
	for _, f := range res.Files {
		committed, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, f.Content) {
			t.Errorf("%s is stale: run go generate ./examples/encryption", filepath.Base(f.Path))
		}
	}
}
