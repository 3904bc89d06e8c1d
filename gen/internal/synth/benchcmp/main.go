// Command benchcmp compares temporalgen's wall time with go vet's on a
// synthetic package (gen/internal/synth) of n workflows, each with 2
// signals, 1 query, 1 update and 2 activities. Run it from anywhere in the
// module:
//
//	go run ./gen/internal/synth/benchcmp [-n 200] [-runs 5] [-keep]
//
// It writes the package into a directory inside the module (removed
// afterwards unless -keep), builds cmd/temporalgen, generates once, and
// then, runs times each, edits a file of the package (so that the go
// command's caches cannot answer for it) and times
//
//   - go vet . (compiles the package's dependencies' export data once,
//     then type-checks and vets the package, generated code included);
//   - temporalgen -diff . (load: the package from source, its standard
//     library, runtime and Temporal API imports from export data; check,
//     determinism analysis, emission, compare);
//   - in process: load alone (as Generate loads it, the old generated
//     file dropped), gen.Generate, and emit.File alone,
//
// and prints a Markdown table of the medians and minimums for
// BENCHMARKS.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/gen"
	"github.com/temporalgen/temporalgen/gen/emit"
	"github.com/temporalgen/temporalgen/gen/internal/synth"
	"github.com/temporalgen/temporalgen/gen/load"
)

func main() {
	n := flag.Int("n", 200, "number of workflows")
	runs := flag.Int("runs", 5, "timed runs per tool")
	keep := flag.Bool("keep", false, "keep the synthetic package")
	flag.Parse()
	if err := run(*n, *runs, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp:", err)
		os.Exit(1)
	}
}

func run(n, runs int, keep bool) error {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return err
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	tmp, err := os.MkdirTemp(root, "_bench-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	pkg := filepath.Join(tmp, synth.PackageName)
	if err := synth.Write(pkg, n); err != nil {
		return err
	}
	bin := filepath.Join(tmp, "temporalgen")
	if err := command(root, "go", "build", "-o", bin, "./cmd/temporalgen").Run(); err != nil {
		return fmt.Errorf("building temporalgen: %w", err)
	}
	first, err := timed(command(pkg, bin))
	if err != nil {
		return fmt.Errorf("first generation: %w", err)
	}
	src, _ := os.ReadFile(filepath.Join(pkg, synth.PackageName+"_temporal.go"))
	// Warm the build cache for the package's dependencies.
	if err := command(pkg, "go", "vet", ".").Run(); err != nil {
		return fmt.Errorf("go vet: %w", err)
	}

	results := map[string][]time.Duration{}
	touch := func(i int) error {
		return os.WriteFile(filepath.Join(pkg, "nonce.go"), fmt.Appendf(nil, "package %s\n\nconst nonce = %d\n", synth.PackageName, i), 0o644)
	}
	cfg := gen.Config{Dir: pkg}
	for i := range runs {
		steps := []struct {
			name string
			fn   func() error
		}{
			{"go vet .", func() error { return command(pkg, "go", "vet", ".").Run() }},
			{"temporalgen -diff .", func() error { return command(pkg, bin, "-diff", ".").Run() }},
			{"in process: load", func() error { _, err := load.Load(load.Config{Dir: pkg, DropOutput: true}); return err }},
			{"in process: gen.Generate", func() error {
				res, err := gen.Generate(cfg)
				if err == nil && len(res.Errors) > 0 {
					err = errors.Join(res.Errors...)
				}
				return err
			}},
		}
		for j, s := range steps {
			if err := touch(i*len(steps) + j); err != nil {
				return err
			}
			start := time.Now()
			if err := s.fn(); err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			results[s.name] = append(results[s.name], time.Since(start))
		}
	}
	res, err := gen.Generate(cfg)
	if err != nil || len(res.Model) != 1 {
		return fmt.Errorf("generate: %v", err)
	}
	for range runs {
		start := time.Now()
		emit.File(res.Model[0])
		results["in process: emit.File"] = append(results["in process: emit.File"], time.Since(start))
	}

	lines := strings.Count(string(src), "\n")
	fmt.Printf("Synthetic package: %d workflows (2 signals, 1 query, 1 update, 2 activities each); generated file %d lines.\n\n", n, lines)
	fmt.Printf("First generation (no generated file yet): %s\n\n", first.Round(time.Millisecond))
	fmt.Printf("| step (%d runs) | median | min |\n|---|---|---|\n", runs)
	for _, name := range []string{"go vet .", "temporalgen -diff .", "in process: load", "in process: gen.Generate", "in process: emit.File"} {
		ds := results[name]
		slices.Sort(ds)
		fmt.Printf("| %s | %s | %s |\n", name, ds[len(ds)/2].Round(time.Millisecond), ds[0].Round(time.Millisecond))
	}
	vet, tg := median(results["go vet ."]), median(results["temporalgen -diff ."])
	fmt.Printf("\ntemporalgen / go vet: %.2f\n", float64(tg)/float64(vet))
	return nil
}

func command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	return cmd
}

func timed(cmd *exec.Cmd) (time.Duration, error) {
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), err
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}
