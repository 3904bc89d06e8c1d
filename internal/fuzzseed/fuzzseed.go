// Package fuzzseed keeps the committed seed corpora of the fuzz targets in
// step with the real inputs they are built from (recorded histories,
// golden generator inputs, encoded payloads).
//
// A fuzz target's seed corpus is the directory testdata/fuzz/FuzzName of
// its package, one file per input in the format of `go test -fuzz`
// (a "go test fuzz v1" line, then one Go literal per argument). Files the
// fuzzer wrote there (crashers, named by hash) are left alone; the named
// seeds a package derives from its real inputs are checked by Check,
// which each package calls from a test:
//
//	func TestSeedCorpus(t *testing.T) {
//		fuzzseed.Check(t, "FuzzReplayHistoryJSON", seeds(t), *writeSeeds)
//	}
//
// Without write, Check fails the test when a file is missing or differs
// (run the test again with the package's -seeds flag to rewrite them);
// with write, it writes them.
package fuzzseed

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Seed is one input of a fuzz target: its file name in the corpus and
// its arguments, in the order of the fuzz function's parameters. The
// arguments may be []byte, string, bool, int, int64, uint, uint8 or
// uint64 values.
type Seed struct {
	Name string
	Args []any
}

// Dir returns the corpus directory of the fuzz target name, relative to
// the package directory.
func Dir(name string) string { return filepath.Join("testdata", "fuzz", name) }

// Check compares the corpus files of target with seeds, or writes them
// when write is set, and fails t on any difference or error.
func Check(t testing.TB, target string, seeds []Seed, write bool) {
	t.Helper()
	if write {
		if err := Write(target, seeds); err != nil {
			t.Fatal(err)
		}
		return
	}
	stale, err := Stale(target, seeds)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range stale {
		t.Errorf("%s is missing or out of date: rewrite the seed corpus with the package's -seeds flag", path)
	}
}

// Write writes the corpus files of seeds into the corpus of target.
func Write(target string, seeds []Seed) error {
	if err := os.MkdirAll(Dir(target), 0o755); err != nil {
		return err
	}
	return each(target, seeds, func(path string, data []byte) error {
		return os.WriteFile(path, data, 0o644)
	})
}

// Stale returns the corpus files of seeds that are missing or differ.
func Stale(target string, seeds []Seed) ([]string, error) {
	var stale []string
	err := each(target, seeds, func(path string, want []byte) error {
		got, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err != nil || !bytes.Equal(got, want) {
			stale = append(stale, path)
		}
		return nil
	})
	return stale, err
}

// each calls fn with the path and content of every seed's file.
func each(target string, seeds []Seed, fn func(path string, data []byte) error) error {
	var names []string
	for _, s := range seeds {
		if slices.Contains(names, s.Name) {
			return fmt.Errorf("fuzzseed: %s: seed %q twice", target, s.Name)
		}
		names = append(names, s.Name)
		data, err := Encode(s.Args...)
		if err != nil {
			return fmt.Errorf("fuzzseed: %s: seed %s: %w", target, s.Name, err)
		}
		if err := fn(filepath.Join(Dir(target), s.Name), data); err != nil {
			return err
		}
	}
	return nil
}

// Encode returns the corpus file holding one input with the arguments
// args, as `go test -fuzz` writes it.
func Encode(args ...any) ([]byte, error) {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case bool, int, int64, uint, uint64:
			fmt.Fprintf(&b, "%T(%v)\n", v, v)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		default:
			return nil, fmt.Errorf("fuzzseed: cannot encode a %T", a)
		}
	}
	return []byte(b.String()), nil
}
