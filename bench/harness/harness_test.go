package harness

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// TestQuick runs the whole harness with tiny sizes against a real dev
// server: every measurement for every implementation, the report and
// BENCHMARKS.md rendering. It checks that the harness works, never how
// fast anything is.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev server and worker processes")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/benchworker")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building benchworker: %v\n%s", err, out)
	}
	build = exec.Command("go", "build", "-o", filepath.Join(bin, "temporalgen"), "./cmd/temporalgen")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building temporalgen: %v\n%s", err, out)
	}

	cfg := Quick()
	cfg.WorkerBin = filepath.Join(bin, "benchworker")
	cfg.TemporalgenBin = filepath.Join(bin, "temporalgen")
	cfg.RepoRoot = "../.."
	cfg.WorkDir = filepath.Join(dir, "work")
	cfg.Profile = true // exercises the profiling path for whatever tiny sizes miss

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Run(ctx, cfg, &log)
	if err != nil {
		t.Fatalf("Run: %v\nlog:\n%s", err, log.String())
	}

	for _, impl := range shape.Impls {
		if rep.Throughput[impl] == nil || rep.Throughput[impl].PerSec <= 0 {
			t.Errorf("no throughput figure for %s", impl)
		}
		if rep.Latency[impl] == nil || rep.Latency[impl].UpdateP50 <= 0 {
			t.Errorf("no latency figure for %s", impl)
		}
		if rep.Memory[impl] == nil {
			t.Errorf("no memory figure for %s", impl)
		}
	}
	for _, sh := range Shapes {
		for _, impl := range []string{shape.Ours, shape.SDK} {
			if r := rep.Replay[sh][impl]; r == nil || r.Events == 0 || len(r.Seconds) != cfg.ReplayReps {
				t.Errorf("replay %s %s: %+v", sh, impl, r)
			}
		}
	}
	if g := rep.Generator; g == nil || (g.Skipped == "" && g.GoVetMed <= 0) {
		t.Errorf("generator: %+v", g)
	}
	for _, impl := range []string{shape.Ours, OursNoReplayCheck, shape.SDK} {
		if te := rep.TestEnv; te == nil || te.Median[impl] <= 0 || len(te.Runs[impl]) != cfg.TestEnvReps {
			t.Errorf("testenv %s: %+v", impl, te)
		}
	}
	if len(rep.Targets) == 0 {
		t.Error("no targets evaluated")
	}
	for _, p := range rep.Profiles {
		if !strings.Contains(p.Top, "flat") {
			t.Errorf("profile %s: no pprof listing:\n%s", p.Key, p.Top)
		}
	}

	md := filepath.Join(dir, "BENCHMARKS.md")
	if err := os.WriteFile(md, []byte("old\n"+analysisBegin+"\nkept text\n"+analysisEnd+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep.Command = "test"
	if err := rep.WriteMarkdown(md); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Results", "throughput, workflows/s", "## Targets", "kept text", "quick mode", "Test environment"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, b)
		}
	}
}

func TestPercentileAndMedian(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i))
	}
	if got := percentile(ds, 0.99); got != 99 {
		t.Errorf("p99 = %v, want 99", got)
	}
	if got := percentile(ds, 0.5); got != 50 {
		t.Errorf("p50 = %v, want 50", got)
	}
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median = %v, want 2", got)
	}
}

// TestTestEnvRuns runs the testenv workflow once on each test environment,
// without a server: both must complete with the expected result.
func TestTestEnvRuns(t *testing.T) {
	for name, run := range map[string]func() error{
		shape.Ours:        func() error { return oursTestRun(false) },
		OursNoReplayCheck: func() error { return oursTestRun(true) },
		shape.SDK:         sdkTestRun,
	} {
		if err := run(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := checkTestEnvResult(0); err == nil {
		t.Error("checkTestEnvResult(0) accepted a wrong result")
	}
}
