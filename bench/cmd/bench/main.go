// Command bench runs the benchmarks of `make bench`: our runtime,
// go.temporal.io/sdk and a raw gRPC loop side by side against one dev
// server it starts, printing a table of figures, ratios and targets and
// optionally writing BENCHMARKS.md.
//
//	bench -worker bin/benchworker -temporalgen bin/temporalgen -repo .. -out ../BENCHMARKS.md
//	bench -quick ...   tiny sizes: checks that everything runs
//
// Sizes default to those of issue 7 and can each be set by a flag.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/temporalgen/temporalgen/bench/harness"
)

func main() {
	d := harness.Defaults()
	var (
		quick   = flag.Bool("quick", false, "tiny sizes (checks that everything runs; figures are meaningless)")
		out     = flag.String("out", "", "write BENCHMARKS.md to `file`")
		cfg     harness.Config
		profile = flag.Bool("profile", d.Profile, "profile our worker on the workloads of missed targets")
	)
	flag.StringVar(&cfg.WorkerBin, "worker", "bin/benchworker", "benchworker `binary`")
	flag.StringVar(&cfg.TemporalgenBin, "temporalgen", "", "temporalgen `binary` (empty skips the generator measurement)")
	flag.StringVar(&cfg.TemporalCLI, "temporal", "", "temporal CLI `binary` (default $TEMPORAL_CLI or <repo>/bin/temporal)")
	flag.StringVar(&cfg.RepoRoot, "repo", "..", "repository `root`")
	flag.StringVar(&cfg.WorkDir, "workdir", "out", "`directory` for histories, profiles and the synthetic package")
	flag.IntVar(&cfg.Workflows, "n", d.Workflows, "throughput: workflows")
	flag.IntVar(&cfg.InFlight, "inflight", d.InFlight, "throughput: workflows in flight")
	flag.IntVar(&cfg.Warmup, "warmup", d.Warmup, "throughput: warm-up workflows")
	flag.IntVar(&cfg.Rounds, "rounds", d.Rounds, "throughput: rounds, implementations alternating")
	only := flag.String("only", "", "comma-separated `steps` to run (throughput,observe,local,latency,replay,generator,testenv,memory); default all")
	flag.IntVar(&cfg.Signals, "signals", d.Signals, "replay: signals in the signal history")
	flag.IntVar(&cfg.TimerBatches, "timer-batches", d.TimerBatches, "replay: batches of 100 timers")
	flag.IntVar(&cfg.ActivityBatches, "activity-batches", d.ActivityBatches, "replay: batches of 100 activities")
	flag.IntVar(&cfg.ReplayReps, "reps", d.ReplayReps, "replay: timed repetitions")
	flag.IntVar(&cfg.Parked, "parked", d.Parked, "memory: parked workflows")
	flag.IntVar(&cfg.LatencyOps, "latency-ops", d.LatencyOps, "latency: operations of each kind")
	flag.IntVar(&cfg.ObserveWorkflows, "observe-n", d.ObserveWorkflows, "observe: workflows of each implementation with and without metrics and tracing")
	flag.IntVar(&cfg.LocalLatencyOps, "local-ops", d.LocalLatencyOps, "local: workflows run one at a time from the worker's process")
	flag.IntVar(&cfg.GenWorkflows, "gen-workflows", d.GenWorkflows, "generator: workflows in the synthetic package")
	flag.IntVar(&cfg.GenReps, "gen-reps", d.GenReps, "generator: timed runs")
	flag.IntVar(&cfg.TestEnvReps, "testenv-reps", d.TestEnvReps, "testenv: timed repetitions of each test environment")
	flag.Parse()
	cfg.Profile = *profile
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}

	if *quick {
		q := harness.Quick()
		q.WorkerBin, q.TemporalgenBin, q.TemporalCLI, q.RepoRoot, q.WorkDir = cfg.WorkerBin, cfg.TemporalgenBin, cfg.TemporalCLI, cfg.RepoRoot, cfg.WorkDir
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		apply := func(name string, dst *int, v int) {
			if set[name] {
				*dst = v
			}
		}
		apply("n", &q.Workflows, cfg.Workflows)
		apply("inflight", &q.InFlight, cfg.InFlight)
		apply("warmup", &q.Warmup, cfg.Warmup)
		apply("rounds", &q.Rounds, cfg.Rounds)
		q.Only = cfg.Only
		apply("signals", &q.Signals, cfg.Signals)
		apply("timer-batches", &q.TimerBatches, cfg.TimerBatches)
		apply("activity-batches", &q.ActivityBatches, cfg.ActivityBatches)
		apply("reps", &q.ReplayReps, cfg.ReplayReps)
		apply("parked", &q.Parked, cfg.Parked)
		apply("latency-ops", &q.LatencyOps, cfg.LatencyOps)
		apply("observe-n", &q.ObserveWorkflows, cfg.ObserveWorkflows)
		apply("local-ops", &q.LocalLatencyOps, cfg.LocalLatencyOps)
		apply("gen-workflows", &q.GenWorkflows, cfg.GenWorkflows)
		apply("gen-reps", &q.GenReps, cfg.GenReps)
		apply("testenv-reps", &q.TestEnvReps, cfg.TestEnvReps)
		q.Profile = set["profile"] && *profile
		cfg = q
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := harness.Run(ctx, cfg, os.Stderr)
	if rep != nil {
		rep.Command = commandLine()
		fmt.Println()
		rep.Table(os.Stdout)
		fmt.Println()
		rep.TargetTable(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if *out != "" && *quick {
		fmt.Fprintln(os.Stderr, "bench: -quick: not writing", *out)
	} else if *out != "" {
		if err := rep.WriteMarkdown(*out); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "bench: wrote", *out)
	}
}

// commandLine is how this run was invoked, for the report: `make bench`
// sets BENCH_COMMAND.
func commandLine() string {
	if c := os.Getenv("BENCH_COMMAND"); c != "" {
		return c
	}
	return "bench " + strings.Join(os.Args[1:], " ")
}
