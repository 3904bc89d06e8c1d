package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// GeneratorResult compares temporalgen with go vet on one synthetic
// package.
type GeneratorResult struct {
	Workflows      int
	Files          int
	Lines          int
	Temporalgen    []float64 // seconds per timed run
	GoVet          []float64
	TemporalgenMed float64
	GoVetMed       float64
	ExitCode       int    // temporalgen's exit status on the last run
	Stderr         string // temporalgen's diagnostics on the last run (truncated)
	Generated      bool   // temporalgen wrote a file
	Skipped        string // why the measurement did not run

	// Tool is what measured: "benchcmp" (gen/internal/synth/benchcmp, the
	// generator's own comparison, when the repository has it) or
	// "harness" (this package's synthetic package).
	Tool     string
	Table    string // benchcmp's Markdown output
	Fallback string // why benchcmp was not used
}

const synthPerFile = 20

// generator times `temporalgen ./wf` and `go vet ./wf` on a synthetic
// package of GenWorkflows workflows. Before each timed run one source file
// changes (a comment), so go vet cannot reuse a cached result for the
// package itself while dependencies stay cached, as in an edit-run loop.
// temporalgen's output file is removed after each run so go vet sees the
// same package.
func (h *harness) generator(ctx context.Context) error {
	if h.cfg.RepoRoot != "" {
		if _, err := os.Stat(filepath.Join(h.cfg.RepoRoot, benchcmpPkg)); err == nil {
			res, err := h.benchcmp(ctx)
			if err == nil {
				h.rep.Generator = res
				return nil
			}
			fmt.Fprintf(h.log, "bench: %s failed, using the harness's own synthetic package: %v\n", benchcmpPkg, err)
			defer func() { h.rep.Generator.Fallback = err.Error() }()
		}
	}
	res := &GeneratorResult{Workflows: h.cfg.GenWorkflows, Tool: "harness"}
	h.rep.Generator = res
	if h.cfg.TemporalgenBin == "" {
		res.Skipped = "no temporalgen binary given"
		return nil
	}
	if h.cfg.RepoRoot == "" {
		res.Skipped = "no repository root given"
		return nil
	}
	root, err := filepath.Abs(h.cfg.RepoRoot)
	if err != nil {
		return err
	}
	mod := h.path("genmod")
	pkg := filepath.Join(mod, "wf")
	if err := os.RemoveAll(mod); err != nil {
		return err
	}
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return err
	}
	gomod := fmt.Sprintf("module benchgen\n\ngo 1.26.0\n\nrequire github.com/temporalgen/temporalgen v0.0.0\n\nreplace github.com/temporalgen/temporalgen => %s\n", root)
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644); err != nil {
		return err
	}
	files := synthPackage(h.cfg.GenWorkflows)
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(pkg, name), src, 0o644); err != nil {
			return err
		}
		res.Files++
		res.Lines += bytes.Count(src, []byte("\n"))
	}
	first := filepath.Join(pkg, "wf000.go")
	firstSrc := files["wf000.go"]
	edit := func(k int) error {
		return os.WriteFile(first, fmt.Appendf(bytes.Clone(firstSrc), "\n// edit %d %d\n", k, time.Now().UnixNano()), 0o644)
	}
	clean := func() error {
		outs, _ := filepath.Glob(filepath.Join(pkg, "*_temporal.go"))
		for _, o := range outs {
			res.Generated = true
			if err := os.Remove(o); err != nil {
				return err
			}
		}
		return nil
	}
	goBin := "go"
	env := append(os.Environ(), "GOFLAGS=-mod=mod")

	timeCmd := func(name string, args ...string) (float64, int, string, error) {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir, cmd.Env = mod, env
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		t0 := time.Now()
		err := cmd.Run()
		d := time.Since(t0).Seconds()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code, err = ee.ExitCode(), nil
		}
		return d, code, stderr.String(), err
	}

	// Warm-up: compile dependencies into the build cache for go vet, and
	// run temporalgen once.
	for _, w := range [][]string{{goBin, "build", "./wf"}, {goBin, "vet", "./wf"}, {h.cfg.TemporalgenBin, "./wf"}} {
		_, code, out, err := timeCmd(w[0], w[1:]...)
		if err != nil {
			return err
		}
		if code != 0 && w[0] == goBin {
			return fmt.Errorf("%s on the synthetic package: exit %d:\n%s", strings.Join(w, " "), code, out)
		}
		if err := clean(); err != nil {
			return err
		}
	}
	for k := range h.cfg.GenReps {
		if err := edit(2 * k); err != nil {
			return err
		}
		d, code, out, err := timeCmd(h.cfg.TemporalgenBin, "./wf")
		if err != nil {
			return err
		}
		res.Temporalgen = append(res.Temporalgen, d)
		res.ExitCode, res.Stderr = code, truncate(out, 2000)
		if err := clean(); err != nil {
			return err
		}
		if err := edit(2*k + 1); err != nil {
			return err
		}
		d, code, out, err = timeCmd(goBin, "vet", "./wf")
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("go vet on the synthetic package: exit %d:\n%s", code, out)
		}
		res.GoVet = append(res.GoVet, d)
	}
	res.TemporalgenMed, res.GoVetMed = median(res.Temporalgen), median(res.GoVet)
	fmt.Fprintf(h.log, "bench: generator %d workflows: temporalgen %.2fs (exit %d), go vet %.2fs\n",
		res.Workflows, res.TemporalgenMed, res.ExitCode, res.GoVetMed)
	if res.ExitCode != 0 {
		fmt.Fprintf(h.log, "bench: temporalgen said:\n%s\n", res.Stderr)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n…(truncated)"
}

// synthPackage returns the files of a package of n workflows, each with a
// run method calling an activity and sleeping, a signal, a query and an
// update, and one activity per workflow. It compiles without generated
// code (activities are called by name), so go vet accepts it.
func synthPackage(n int) map[string][]byte {
	files := map[string][]byte{}
	for f := 0; f*synthPerFile < n; f++ {
		var b bytes.Buffer
		fmt.Fprintf(&b, "// Code for the generator benchmark: synthetic workflows %d to %d.\n\n", f*synthPerFile, min(n, (f+1)*synthPerFile)-1)
		if f == 0 {
			b.WriteString("// Package wf is a synthetic package for the generator benchmark.\n")
		}
		b.WriteString("package wf\n\nimport (\n\t\"context\"\n\t\"strings\"\n\t\"time\"\n\n\t\"github.com/temporalgen/temporalgen/runtime/workflow\"\n)\n")
		for i := f * synthPerFile; i < min(n, (f+1)*synthPerFile); i++ {
			fmt.Fprintf(&b, synthWorkflow, i)
		}
		files[fmt.Sprintf("wf%03d.go", f)] = b.Bytes()
	}
	return files
}

// synthWorkflow is one synthetic workflow; %[1]d is its number.
const synthWorkflow = `
// Input%[1]d is the input of Flow%[1]d.
type Input%[1]d struct {
	Name  string
	Count int
	Tags  []string
}

// Flow%[1]d is synthetic workflow %[1]d.
//
//temporal:workflow
type Flow%[1]d struct {
	count int
	names []string
}

//temporal:run
func (w *Flow%[1]d) Run(ctx workflow.Context, in Input%[1]d) (string, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute}
	s, err := workflow.ExecuteActivity[string](ctx, opts, "Compose%[1]d", in.Name, in.Count).Get(ctx)
	if err != nil {
		return "", err
	}
	for i := 0; i < in.Count; i++ {
		if err := workflow.Sleep(ctx, time.Second); err != nil {
			return "", err
		}
	}
	if err := workflow.Await(ctx, func() bool { return w.count > 0 }); err != nil {
		return "", err
	}
	return s + strings.Join(w.names, ","), nil
}

//temporal:signal
func (w *Flow%[1]d) AddName(ctx workflow.Context, name string) {
	w.names = append(w.names, name)
	w.count++
}

//temporal:query
func (w *Flow%[1]d) Names() ([]string, error) { return w.names, nil }

//temporal:update
func (w *Flow%[1]d) SetCount(ctx workflow.Context, n int) (int, error) {
	old := w.count
	w.count = n
	return old, nil
}

// Compose%[1]d is the activity of Flow%[1]d.
//
//temporal:activity
func Compose%[1]d(ctx context.Context, name string, count int) (string, error) {
	return strings.Repeat(name, count), nil
}
`

const benchcmpPkg = "gen/internal/synth/benchcmp"

// benchcmp runs the generator's own comparison command and reads the
// medians of `go vet .` and `temporalgen -diff .` from its table.
func (h *harness) benchcmp(ctx context.Context) (*GeneratorResult, error) {
	cmd := exec.CommandContext(ctx, "go", "run", "./"+benchcmpPkg, "-n", fmt.Sprint(h.cfg.GenWorkflows), "-runs", fmt.Sprint(max(h.cfg.GenReps, 1)))
	cmd.Dir = h.cfg.RepoRoot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, truncate(stderr.String(), 2000))
	}
	res := &GeneratorResult{Workflows: h.cfg.GenWorkflows, Tool: "benchcmp", Table: strings.TrimSpace(string(out))}
	for line := range strings.SplitSeq(res.Table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			continue
		}
		name := strings.TrimSpace(cells[1])
		d, err := time.ParseDuration(strings.TrimSpace(cells[2]))
		if err != nil {
			continue
		}
		switch name {
		case "go vet .":
			res.GoVetMed = d.Seconds()
		case "temporalgen -diff .":
			res.TemporalgenMed = d.Seconds()
		}
	}
	if res.GoVetMed == 0 || res.TemporalgenMed == 0 {
		return nil, fmt.Errorf("no go vet / temporalgen medians in its output:\n%s", res.Table)
	}
	fmt.Fprintf(h.log, "bench: generator (%s) %d workflows: temporalgen %.2fs, go vet %.2fs\n",
		benchcmpPkg, res.Workflows, res.TemporalgenMed, res.GoVetMed)
	return res, nil
}
