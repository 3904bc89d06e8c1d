// Package synth writes synthetic packages for temporalgen's benchmarks:
// n workflows, each with 2 signals, 1 query, 1 update (with a validator)
// and 2 activities, whose run methods call their activities through the
// generated stubs (so the package compiles once generated).
//
// It is used by BenchmarkGenerate200 in package gen and by the benchcmp
// command, which compares temporalgen's wall time with go vet's on the
// same package:
//
//	go run ./gen/internal/synth/benchcmp -n 200 -runs 5
package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// PackageName is the name of the synthetic package.
const PackageName = "synth"

// Source returns the source of a package with n workflows.
func Source(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Package %s is a synthetic package of %d workflows for benchmarks.
package %s

import (
	"context"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Input is a workflow and activity input.
type Input struct {
	ID    string
	Count int
	Tags  []string
}

// Output is a workflow and activity result.
type Output struct {
	ID    string
	Total int
}
`, PackageName, n, PackageName)
	for i := range n {
		fmt.Fprintf(&b, `
// W%03[1]d is synthetic workflow %[1]d.
//
//temporal:workflow task_queue=synth
type W%03[1]d struct {
	n    int
	tags []string
}

//temporal:run
func (w *W%03[1]d) Run(ctx workflow.Context, in Input) (Output, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute}
	out, err := Act%03[1]dAActivity(ctx, opts, in).Get(ctx)
	if err != nil {
		return Output{}, err
	}
	if _, err := Act%03[1]dBActivity(ctx, opts, in.ID, w.tags).Get(ctx); err != nil {
		return Output{}, err
	}
	out.Total += w.n
	return out, nil
}

//temporal:signal description="add to the count"
func (w *W%03[1]d) Add(ctx workflow.Context, n int) { w.n += n }

//temporal:signal
func (w *W%03[1]d) Tag(ctx workflow.Context, tag string) { w.tags = append(w.tags, tag) }

//temporal:query
func (w *W%03[1]d) Count() (int, error) { return w.n, nil }

//temporal:update validator=CheckSet
func (w *W%03[1]d) Set(ctx workflow.Context, n int) (int, error) {
	old := w.n
	w.n = n
	return old, nil
}

// CheckSet rejects negative counts.
func (w *W%03[1]d) CheckSet(n int) error {
	if n < 0 {
		return context.Canceled
	}
	return nil
}

//temporal:activity
func Act%03[1]dA(ctx context.Context, in Input) (Output, error) {
	return Output{ID: in.ID, Total: in.Count}, nil
}

//temporal:activity
func Act%03[1]dB(ctx context.Context, id string, tags []string) (int, error) {
	return len(tags), nil
}
`, i)
	}
	return b.Bytes()
}

// Write writes the package with n workflows into dir (created if
// needed) as synth.go.
func Write(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, PackageName+".go"), Source(n), 0o644)
}
