// Command temporalgen turns Go packages annotated with //temporal:
// directives into typed Temporal code, and checks workflows for
// nondeterminism.
//
// Usage:
//
//	temporalgen [-tags t1,t2] [-o pattern] [-diff] [-docs] [packages]
//	temporalgen vet [-tags t1,t2] [packages]
//
// Packages are go list patterns; the default is ".", so a
//
//	//go:generate go tool temporalgen
//
// (or go run github.com/temporalgen/temporalgen/cmd/temporalgen) line in
// any file of a package regenerates that package.
//
// temporalgen writes one file per package, in the package's directory,
// named by -o: "{pkg}" in the pattern is replaced by the package name; the
// default is {pkg}_temporal.go. Files whose content is unchanged are not
// rewritten.
//
// Flags:
//
//	-tags   comma-separated build tags to load the packages with
//	-o      output file name pattern (default {pkg}_temporal.go)
//	-diff   write nothing; print a diff of what would change
//	-docs   also write a Markdown reference of each package (workflows,
//	        signals, queries, updates, activities, Nexus services, task
//	        queues and temporal CLI commands), named like the Go file
//	        with .md
//
// temporalgen vet runs only the determinism analyzer (see
// github.com/temporalgen/temporalgen/gen/determinism.Analyzer). The same analyzer
// runs under go vet as cmd/temporalvet.
//
// Problems are printed to standard error as file:line:col: message, all of
// them, sorted by position. Exit status: 0 on success (with -diff: when
// everything is up to date), 1 with -diff when generated files would
// change, 2 on errors or determinism findings.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/temporalgen/temporalgen/gen"
	"github.com/temporalgen/temporalgen/gen/model"
)

// Exit codes.
const (
	exitOK    = 0
	exitDrift = 1
	exitError = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "vet" {
		return runVet(args[1:], stderr)
	}
	fs := flag.NewFlagSet("temporalgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tags := fs.String("tags", "", "comma-separated build `tags`")
	out := fs.String("o", gen.DefaultOutput, "output file name `pattern`; {pkg} is the package name")
	diff := fs.Bool("diff", false, "write nothing; print a diff and exit 1 if generated files would change")
	docs := fs.Bool("docs", false, "also write a Markdown reference of each package, named like the Go file with .md")
	tests := fs.Bool("tests", true, "also write typed test helpers on runtime/testsuite, named like the Go file with _test.go")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: temporalgen [flags] [packages]\n       temporalgen vet [-tags t] [packages]\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if !strings.Contains(*out, ".go") || strings.ContainsAny(*out, `/\`) {
		fmt.Fprintf(stderr, "temporalgen: -o %q: want a .go file name (no directory), e.g. %s\n", *out, gen.DefaultOutput)
		return exitError
	}
	res, err := gen.Generate(gen.Config{Patterns: fs.Args(), Tags: splitTags(*tags), Output: *out, Docs: *docs, NoTestHelpers: !*tests})
	if err != nil {
		fmt.Fprintln(stderr, "temporalgen:", err)
		return exitError
	}
	if len(res.Errors) > 0 {
		printErrors(stderr, res.Errors)
		return exitError
	}
	return apply(res.Files, *diff, stdout, stderr)
}

func runVet(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("temporalgen vet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tags := fs.String("tags", "", "comma-separated build `tags`")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	errs, err := gen.Vet(gen.Config{Patterns: fs.Args(), Tags: splitTags(*tags)})
	if err != nil {
		fmt.Fprintln(stderr, "temporalgen vet:", err)
		return exitError
	}
	if len(errs) > 0 {
		printErrors(stderr, errs)
		return exitError
	}
	return exitOK
}

func splitTags(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// printErrors prints errs one per line, with file names relative to the
// current directory when they are inside it.
func printErrors(w io.Writer, errs []error) {
	wd, _ := os.Getwd()
	for _, err := range errs {
		var me *model.Error
		if errors.As(err, &me) && wd != "" {
			if rel, rerr := filepath.Rel(wd, me.Pos.File); rerr == nil && !strings.HasPrefix(rel, "..") {
				p := me.Pos
				p.File = rel
				err = &model.Error{Pos: p, Msg: me.Msg}
			}
		}
		fmt.Fprintln(w, err)
	}
}

// apply writes the files that changed or, in diff mode, prints their diff
// and reports drift.
func apply(files []gen.File, diff bool, stdout, stderr io.Writer) int {
	drift := false
	for _, f := range files {
		old, err := os.ReadFile(f.Path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(stderr, "temporalgen:", err)
			return exitError
		}
		if err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if diff {
			drift = true
			writeDiff(stdout, f.Path, old, f.Content)
			continue
		}
		if err := os.WriteFile(f.Path, f.Content, 0o666); err != nil {
			fmt.Fprintln(stderr, "temporalgen:", err)
			return exitError
		}
	}
	if drift {
		return exitDrift
	}
	return exitOK
}

// writeDiff prints a unified diff of old and new with a single hunk that
// spans from the first to the last changed line.
func writeDiff(w io.Writer, path string, old, new []byte) {
	a, b := lines(old), lines(new)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	fmt.Fprintf(w, "--- %s\n+++ %s (generated)\n", path, path)
	fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(pre, len(a)-pre-suf), hunkRange(pre, len(b)-pre-suf))
	for _, l := range a[pre : len(a)-suf] {
		fmt.Fprintf(w, "-%s\n", l)
	}
	for _, l := range b[pre : len(b)-suf] {
		fmt.Fprintf(w, "+%s\n", l)
	}
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
