package fuzzseed_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/temporalgen/temporalgen/internal/fuzzseed"
)

func TestEncode(t *testing.T) {
	got, err := fuzzseed.Encode([]byte("a\x00\"b"), "line\n", uint8(3), uint(7), int64(-2), true)
	if err != nil {
		t.Fatal(err)
	}
	want := "go test fuzz v1\n" +
		"[]byte(\"a\\x00\\\"b\")\n" +
		"string(\"line\\n\")\n" +
		"byte('\\x03')\n" +
		"uint(7)\n" +
		"int64(-2)\n" +
		"bool(true)\n"
	if string(got) != want {
		t.Errorf("Encode =\n%s\nwant\n%s", got, want)
	}
	if _, err := fuzzseed.Encode(1.5); err == nil {
		t.Error("Encode(float64) succeeded")
	}
}

func TestWriteAndStale(t *testing.T) {
	t.Chdir(t.TempDir())
	seeds := []fuzzseed.Seed{{Name: "a", Args: []any{[]byte("x")}}, {Name: "b", Args: []any{"y", uint(1)}}}
	if stale, err := fuzzseed.Stale("FuzzX", seeds); err != nil || len(stale) != 2 {
		t.Fatalf("before writing: Stale = %q, %v; want both", stale, err)
	}
	if err := fuzzseed.Write("FuzzX", seeds); err != nil {
		t.Fatal(err)
	}
	for _, s := range seeds {
		want, _ := fuzzseed.Encode(s.Args...)
		got, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzX", s.Name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: %q, %v; want %q", s.Name, got, err, want)
		}
	}
	if stale, err := fuzzseed.Stale("FuzzX", seeds); err != nil || len(stale) != 0 {
		t.Errorf("after writing: Stale = %q, %v; want none", stale, err)
	}
	seeds[1].Args = []any{"z", uint(1)}
	want := []string{filepath.Join("testdata", "fuzz", "FuzzX", "b")}
	if stale, err := fuzzseed.Stale("FuzzX", seeds); err != nil || !slices.Equal(stale, want) {
		t.Errorf("after a change: Stale = %q, %v; want %q", stale, err, want)
	}
	if err := fuzzseed.Write("FuzzX", append(seeds, seeds[0])); err == nil {
		t.Error("a seed name twice: no error")
	}
}
