package harness

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// Report is everything a run measured.
type Report struct {
	Date         time.Time
	CPUs         int // runtime.NumCPU, as nproc
	CPUInfoCount int
	CPUModel     string
	GoVersion    string
	Kernel       string
	Config       Config
	ServerArgs   []string
	Command      string
	LoadBefore   string // /proc/loadavg before the dev server started
	LoadAfter    string // and after the last measurement

	Throughput map[string]*ThroughputResult
	Observe    map[string]*ThroughputResult // ours, sdk, and each + Observed
	Latency    map[string]*LatencyResult
	Replay     map[string]map[string]*ReplayResult // shape → impl
	Memory     map[string]*MemoryResult
	Generator  *GeneratorResult
	TestEnv    *TestEnvResult

	Targets  []*Target
	Profiles []*Profile
}

// Target is one target of the issue and whether this run met it.
type Target struct {
	Name     string
	Want     string
	Got      string
	Met      bool
	Measured bool   // false when a figure is missing
	Profile  string // key of the profile that explains a miss
}

// Profile is the pprof top listing of a profile of our worker.
type Profile struct {
	Key   string
	Title string
	File  string
	Top   string // flat
	Cum   string // cumulative
	Diff  string // flat, against the raw loop's profile of the same workload
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// evaluate fills r.Targets.
func (r *Report) evaluate() {
	r.Targets = nil
	add := func(name, want, got, profile string, met, measured bool) {
		r.Targets = append(r.Targets, &Target{Name: name, Want: want, Got: got, Met: met && measured, Measured: measured, Profile: profile})
	}
	if t := r.Throughput; t != nil && t[shape.Ours] != nil && t[shape.Raw] != nil && t[shape.SDK] != nil {
		o, s, w := t[shape.Ours], t[shape.SDK], t[shape.Raw]
		q := ratio(o.PerSec, w.PerSec)
		add("throughput vs raw loop", "≥ 0.95x raw", fmt.Sprintf("%.2fx raw (%.2fx sdk-go)", q, ratio(o.PerSec, s.PerSec)), "throughput", q >= 0.95, true)
		q = ratio(float64(o.WorkerCPU), float64(w.WorkerCPU))
		add("worker CPU per workflow", "≤ 1.2x raw", fmt.Sprintf("%.2fx raw (%.2fx sdk-go)", q, ratio(float64(o.WorkerCPU), float64(s.WorkerCPU))), "throughput", q <= 1.2, true)
		q = ratio(float64(o.P99), float64(w.P99))
		add("throughput-run p99 latency", "≤ 1.5x raw", fmt.Sprintf("%.2fx raw", q), "throughput", q <= 1.5, true)
	}
	for _, sh := range Shapes {
		m := r.Replay[sh]
		if m == nil || m[shape.Ours] == nil || m[shape.SDK] == nil {
			continue
		}
		q := ratio(m[shape.Ours].EventsPerSec, m[shape.SDK].EventsPerSec)
		add("replay events/s, "+sh, "≥ 3x sdk-go", fmt.Sprintf("%.2fx sdk-go", q), "replay-"+sh, q >= 3, true)
	}
	if m := r.Memory; m != nil && m[shape.Ours] != nil && m[shape.SDK] != nil {
		q := ratio(m[shape.Ours].RSSPerWorkflow, m[shape.SDK].RSSPerWorkflow)
		add("RSS per cached idle workflow", "≤ 0.5x sdk-go", fmt.Sprintf("%.2fx sdk-go", q), "memory", q <= 0.5, true)
	}
	if l := r.Latency; l != nil && l[shape.Ours] != nil && l[shape.SDK] != nil {
		o, s := l[shape.Ours], l[shape.SDK]
		add("signal→query p99", "≤ sdk-go", fmt.Sprintf("%.2fx sdk-go", ratio(float64(o.SignalP99), float64(s.SignalP99))), "latency", o.SignalP99 <= s.SignalP99, true)
		add("update p99", "≤ sdk-go", fmt.Sprintf("%.2fx sdk-go", ratio(float64(o.UpdateP99), float64(s.UpdateP99))), "latency", o.UpdateP99 <= s.UpdateP99, true)
	}
	if te := r.TestEnv; te != nil && te.Median[OursNoReplayCheck] > 0 && te.Median[shape.SDK] > 0 {
		q := ratio(float64(te.Median[shape.SDK]), float64(te.Median[OursNoReplayCheck]))
		add("test environment run (30-day timer, 10 activities; same work: replay check off)", "≥ 5x faster than sdk-go",
			fmt.Sprintf("%.1fx faster (%.1fx with the replay check)", q, ratio(float64(te.Median[shape.SDK]), float64(te.Median[shape.Ours]))), "", q >= 5, true)
	}
	if ov := r.overheads(); ov != nil {
		o, s := ov[shape.Ours], ov[shape.SDK]
		share := ratio(float64(o.added), float64(o.off))
		add("metrics + tracing overhead, worker CPU per workflow", "≤ 10% of ours and < sdk-go's in µs",
			fmt.Sprintf("%+.0f µs (%+.1f%%); sdk-go %+.0f µs (%+.1f%%)", us(o.added), 100*share, us(s.added), 100*ratio(float64(s.added), float64(s.off))),
			"", share <= 0.10 && o.added < s.added, true)
	}
	if g := r.Generator; g != nil && g.Skipped == "" && g.GoVetMed > 0 {
		got := fmt.Sprintf("%.2fx go vet", ratio(g.TemporalgenMed, g.GoVetMed))
		if g.ExitCode != 0 {
			got += fmt.Sprintf(" (temporalgen exit %d)", g.ExitCode)
		}
		add("temporalgen wall time", "< go vet", got, "", g.TemporalgenMed < g.GoVetMed && g.ExitCode == 0, true)
	}
}

// overhead is what metrics and tracing add to one implementation's
// worker CPU per workflow.
type overhead struct{ off, on, added time.Duration }

// overheads returns the observe step's overheads by implementation, or
// nil when it did not run.
func (r *Report) overheads() map[string]overhead {
	m := r.Observe
	out := map[string]overhead{}
	for _, impl := range []string{shape.Ours, shape.SDK} {
		off, on := m[impl], m[impl+Observed]
		if off == nil || on == nil {
			return nil
		}
		out[impl] = overhead{off.WorkerCPU, on.WorkerCPU, on.WorkerCPU - off.WorkerCPU}
	}
	return out
}

// missed reports whether a target that profile key explains was missed.
func (r *Report) missed(key string) bool {
	for _, t := range r.Targets {
		if t.Profile == key && !t.Met {
			return true
		}
	}
	return false
}

func fmtRatio(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// Table writes the results as a Markdown table.
func (r *Report) Table(w io.Writer) {
	header := false // written with the first row: steps run alone (-only testenv) have none
	row := func(name string, v func(impl string) (float64, bool), format string) {
		if !header {
			header = true
			fmt.Fprintln(w, "| measurement | ours | sdk-go | raw loop | ours/sdk-go | ours/raw |")
			fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: |")
		}
		cells := make([]string, 3)
		vals := make([]float64, 3)
		for i, impl := range shape.Impls {
			x, ok := v(impl)
			if !ok {
				cells[i] = "n/a"
				continue
			}
			vals[i] = x
			cells[i] = fmt.Sprintf(format, x)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", name, cells[0], cells[1], cells[2],
			fmtRatio(vals[0], vals[1]), fmtRatio(vals[0], vals[2]))
	}
	if t := r.Throughput; t != nil {
		get := func(f func(*ThroughputResult) float64) func(string) (float64, bool) {
			return func(impl string) (float64, bool) {
				if t[impl] == nil {
					return 0, false
				}
				return f(t[impl]), true
			}
		}
		row("throughput, workflows/s", get(func(x *ThroughputResult) float64 { return x.PerSec }), "%.1f")
		row("worker CPU per workflow, µs", get(func(x *ThroughputResult) float64 { return us(x.WorkerCPU) }), "%.0f")
		row("server CPU per workflow, ms", get(func(x *ThroughputResult) float64 { return ms(x.ServerCPU) }), "%.2f")
		row("start→result p50, ms", get(func(x *ThroughputResult) float64 { return ms(x.P50) }), "%.1f")
		row("start→result p99, ms", get(func(x *ThroughputResult) float64 { return ms(x.P99) }), "%.1f")
		row("workflows stalled (start→result > 10 s)", get(func(x *ThroughputResult) float64 { return float64(x.Stalled) }), "%.0f")
		row("workflow tasks per workflow", get(func(x *ThroughputResult) float64 { return x.TasksPerWF }), "%.2f")
		row("history events per workflow", get(func(x *ThroughputResult) float64 { return x.EventsPerWF }), "%.1f")
		row("worker peak RSS (throughput run), MB", get(func(x *ThroughputResult) float64 { return float64(x.WorkerMaxRSS) / 1024 }), "%.1f")
		row("worker allocations per workflow, KB", get(func(x *ThroughputResult) float64 { return x.AllocPerWF / 1024 }), "%.1f")
		row("worker GC cycles per 1000 workflows", get(func(x *ThroughputResult) float64 { return x.GCPerKWF }), "%.1f")
	}
	for _, sh := range Shapes {
		m := r.Replay[sh]
		if m == nil {
			continue
		}
		events := 0
		for _, x := range m {
			events = max(events, x.Events)
		}
		row(fmt.Sprintf("replay %s (~%d events), events/s", sh, events), func(impl string) (float64, bool) {
			if m[impl] == nil {
				return 0, false
			}
			return m[impl].EventsPerSec, true
		}, "%.0f")
	}
	if m := r.Memory; m != nil {
		get := func(f func(*MemoryResult) float64) func(string) (float64, bool) {
			return func(impl string) (float64, bool) {
				if m[impl] == nil {
					return 0, false
				}
				return f(m[impl]), true
			}
		}
		row("RSS per cached idle workflow, KB", get(func(x *MemoryResult) float64 { return x.RSSPerWorkflow / 1024 }), "%.1f")
		row("Go heap per cached idle workflow, KB", get(func(x *MemoryResult) float64 { return x.HeapPerWorkflow / 1024 }), "%.1f")
		row("goroutine stacks per cached idle workflow, KB", get(func(x *MemoryResult) float64 { return x.StackPerWorkflow / 1024 }), "%.1f")
		row("goroutines per cached idle workflow", get(func(x *MemoryResult) float64 { return x.GoroutinesPerWF }), "%.2f")
	}
	if l := r.Latency; l != nil {
		get := func(f func(*LatencyResult) time.Duration) func(string) (float64, bool) {
			return func(impl string) (float64, bool) {
				if l[impl] == nil {
					return 0, false
				}
				return ms(f(l[impl])), true
			}
		}
		row("signal→query-visible p50, ms", get(func(x *LatencyResult) time.Duration { return x.SignalP50 }), "%.2f")
		row("signal→query-visible p99, ms", get(func(x *LatencyResult) time.Duration { return x.SignalP99 }), "%.2f")
		row("queries per signal→query operation", func(impl string) (float64, bool) {
			if l[impl] == nil || l[impl].Ops == 0 {
				return 0, false
			}
			return float64(l[impl].Queries) / float64(l[impl].Ops), true
		}, "%.2f")
		row("update round trip p50, ms", get(func(x *LatencyResult) time.Duration { return x.UpdateP50 }), "%.2f")
		row("update round trip p99, ms", get(func(x *LatencyResult) time.Duration { return x.UpdateP99 }), "%.2f")
		row("update: its workflow task start→complete p50, ms", get(func(x *LatencyResult) time.Duration { return x.UpdateTaskP50 }), "%.2f")
		row("update: its workflow task start→complete p99, ms", get(func(x *LatencyResult) time.Duration { return x.UpdateTaskP99 }), "%.2f")
	}
	if t := r.Throughput; t != nil && t[shape.Ours] != nil && len(t[shape.Ours].Phases) > 0 {
		fmt.Fprintf(w, "\nWhere a throughput workflow's time goes (from the timestamps of %d sampled histories each; mean / p95 / max, ms):\n\n", t[shape.Ours].Sampled)
		fmt.Fprintln(w, "| phase | ours | sdk-go | raw loop |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
		for _, ph := range Phases {
			fmt.Fprintf(w, "| %s |", ph)
			for _, impl := range shape.Impls {
				var (
					p  PhaseStats
					ok bool
				)
				if t[impl] != nil {
					p, ok = t[impl].Phases[ph]
				}
				if !ok {
					fmt.Fprint(w, " n/a |")
					continue
				}
				fmt.Fprintf(w, " %.1f / %.1f / %.0f |", ms(p.Mean), ms(p.P95), ms(p.Max))
			}
			fmt.Fprintln(w)
		}
	}
	if ov := r.overheads(); ov != nil {
		fmt.Fprintf(w, "\nMetrics and tracing: the throughput workload again (%d workflows each, implementations interleaved in rounds), each SDK with and without its SDK metrics recorded into an OpenTelemetry meter and OpenTelemetry spans for every client call, workflow and activity (ours: `contrib/otel`; sdk-go: `go.temporal.io/sdk/contrib/opentelemetry`; the same OTel SDK, spans batched to an exporter that drops them):\n\n", r.Config.ObserveWorkflows)
		fmt.Fprintln(w, "| worker CPU per workflow, µs | ours | sdk-go |")
		fmt.Fprintln(w, "| --- | ---: | ---: |")
		o, s := ov[shape.Ours], ov[shape.SDK]
		fmt.Fprintf(w, "| metrics and tracing off | %.0f | %.0f |\n", us(o.off), us(s.off))
		fmt.Fprintf(w, "| metrics and tracing on | %.0f | %.0f |\n", us(o.on), us(s.on))
		fmt.Fprintf(w, "| overhead | %+.0f (%+.1f%%) | %+.0f (%+.1f%%) |\n", us(o.added), 100*ratio(float64(o.added), float64(o.off)), us(s.added), 100*ratio(float64(s.added), float64(s.off)))
		fmt.Fprintf(w, "| throughput with both on, workflows/s | %.1f | %.1f |\n", r.Observe[shape.Ours+Observed].PerSec, r.Observe[shape.SDK+Observed].PerSec)
	}
	if te := r.TestEnv; te != nil && len(te.Median) > 0 {
		fmt.Fprintf(w, "\nTest environment: one unit test of a workflow that sleeps 30 days, then runs %d activities (median of %d timed `testing.Benchmark` repetitions each). Ours replays every history at the end, whole and from each of its workflow tasks, by default; sdk-go does not, so the like-for-like figure is the one with that check off:\n\n", TestEnvActivities, len(te.Runs[shape.Ours]))
		fmt.Fprintln(w, "| test environment | µs per test run | allocations per run | KB allocated per run |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
		for _, impl := range []string{shape.Ours, OursNoReplayCheck, shape.SDK} {
			name := map[string]string{shape.Ours: "ours (`runtime/testsuite`, with its replay check)",
				OursNoReplayCheck: "ours, `SkipReplayCheck: true`", shape.SDK: "sdk-go (`go.temporal.io/sdk/testsuite`)"}[impl]
			fmt.Fprintf(w, "| %s | %.1f | %d | %.1f |\n", name, us(te.Median[impl]), te.AllocsPerOp[impl], float64(te.BytesPerOp[impl])/1024)
		}
		fmt.Fprintf(w, "| sdk-go / ours (replay check off; on) | %s; %s | | |\n",
			fmtRatio(float64(te.Median[shape.SDK]), float64(te.Median[OursNoReplayCheck])), fmtRatio(float64(te.Median[shape.SDK]), float64(te.Median[shape.Ours])))
	}
	if g := r.Generator; g != nil {
		switch {
		case g.Skipped != "":
			fmt.Fprintf(w, "\nGenerator: skipped (%s).\n", g.Skipped)
		case g.Tool == "benchcmp":
			fmt.Fprintf(w, "\nGenerator, measured by `go run ./%s -n %d -runs %d` (temporalgen / go vet = %s):\n\n%s\n",
				benchcmpPkg, g.Workflows, max(1, r.Config.GenReps), fmtRatio(g.TemporalgenMed, g.GoVetMed), g.Table)
		default:
			fmt.Fprintf(w, "\n| generator (%d workflows, %d files, %d lines) | wall time, s (median of %d) |\n| --- | ---: |\n",
				g.Workflows, g.Files, g.Lines, len(g.GoVet))
			status := ""
			if g.ExitCode != 0 {
				status = fmt.Sprintf(" (exit %d)", g.ExitCode)
			}
			fmt.Fprintf(w, "| `temporalgen ./wf`%s | %.2f |\n| `go vet ./wf` | %.2f |\n| temporalgen / go vet | %s |\n",
				status, g.TemporalgenMed, g.GoVetMed, fmtRatio(g.TemporalgenMed, g.GoVetMed))
		}
	}
}

// TargetTable writes the targets as a Markdown table.
func (r *Report) TargetTable(w io.Writer) {
	fmt.Fprintln(w, "| target | required | this run | met |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, t := range r.Targets {
		met := "**no**"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.Name, t.Want, t.Got, met)
	}
}

// Analysis markers: the text between them in an existing BENCHMARKS.md is
// hand-written and kept when the file is regenerated.
const (
	analysisBegin = "<!-- analysis: hand-written, kept by make bench -->"
	analysisEnd   = "<!-- /analysis -->"
)

// WriteMarkdown writes BENCHMARKS.md to path, keeping the hand-written
// analysis section of the file it replaces.
func (r *Report) WriteMarkdown(path string) error {
	analysis := "_No analysis written for this run yet._"
	if old, err := os.ReadFile(path); err == nil {
		s := string(old)
		if i := strings.Index(s, analysisBegin); i >= 0 {
			if j := strings.Index(s[i:], analysisEnd); j >= 0 {
				analysis = strings.TrimSpace(s[i+len(analysisBegin) : i+j])
			}
		}
	}
	var b strings.Builder
	r.markdown(&b, analysis)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func (r *Report) markdown(w io.Writer, analysis string) {
	c := r.Config
	fmt.Fprintf(w, "# Benchmarks\n\n")
	fmt.Fprintf(w, "Our runtime against go.temporal.io/sdk v1.51.0 and a raw gRPC loop (the server-bound limit), ")
	fmt.Fprintf(w, "measured side by side in one run against one dev server. Regenerate with `make bench` ")
	fmt.Fprintf(w, "(about 7 minutes on 2 cores); this file is written by it, except the analysis section.\n\n")
	fmt.Fprintf(w, "## Run\n\n")
	fmt.Fprintf(w, "- date: %s\n", r.Date.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "- machine: `nproc` = %d, CPU model %q (%d entries in /proc/cpuinfo), Linux %s\n", r.CPUs, r.CPUModel, r.CPUInfoCount, r.Kernel)
	fmt.Fprintf(w, "- Go: %s; dev server: Temporal CLI v1.5.1 (Temporal Server 1.29.1), `bin/temporal` from `make devserver`\n", r.GoVersion)
	fmt.Fprintf(w, "- command: `%s`\n", r.Command)
	fmt.Fprintf(w, "- load average (1/5/15 min) before: %s, after: %s (other processes on the machine share the cores)\n", r.LoadBefore, r.LoadAfter)
	if c.Quick {
		fmt.Fprintf(w, "- **quick mode: tiny sizes, figures are meaningless**\n")
	}
	fmt.Fprintf(w, "- sizes: throughput %d workflows (%d in flight, %d rounds, after %d warm-up workflows), one no-op activity each; "+
		"replay histories of %d signals, %d batches of %d parallel 1 ms timers, %d batches of %d parallel no-op activities, "+
		"median of %d replays after one warm-up; memory %d parked workflows; latency %d operations of each kind; "+
		"generator %d workflows, median of %d runs; test environment median of %d repetitions\n\n",
		c.Workflows, c.InFlight, c.Rounds, c.Warmup, c.Signals, c.TimerBatches, shape.TimerBatch, c.ActivityBatches, shape.ActivityBatch,
		c.ReplayReps, c.Parked, c.LatencyOps, c.GenWorkflows, c.GenReps, c.TestEnvReps)

	fmt.Fprintf(w, "## Results\n\n")
	r.Table(w)
	fmt.Fprintf(w, "\n## Targets (from issue 7)\n\n")
	r.TargetTable(w)
	if g := r.Generator; g != nil && g.Skipped == "" && g.ExitCode != 0 {
		fmt.Fprintf(w, "\ntemporalgen exited with status %d on the synthetic package:\n\n```\n%s\n```\n", g.ExitCode, strings.TrimSpace(g.Stderr))
	}

	fmt.Fprintf(w, "\n## Analysis\n\n%s\n%s\n%s\n", analysisBegin, analysis, analysisEnd)

	if len(r.Profiles) > 0 {
		fmt.Fprintf(w, "\n## Profiles of our worker for missed targets\n\n")
		fmt.Fprintf(w, "Each profile comes from a separate run of the same workload with `benchworker -cpuprofile` "+
			"(or the heap profile written at the memory measurement), listed with `go tool pprof -top`.\n")
		for _, p := range r.Profiles {
			fmt.Fprintf(w, "\n### %s\n\n", p.Title)
			fmt.Fprintf(w, "Flat (`go tool pprof -top -nodecount=25`):\n\n```\n%s\n```\n\n", strings.TrimSpace(p.Top))
			fmt.Fprintf(w, "Cumulative (`go tool pprof -top -cum -nodecount=25`):\n\n```\n%s\n```\n", strings.TrimSpace(p.Cum))
			if p.Diff != "" {
				fmt.Fprintf(w, "\nWhat ours spends beyond the raw loop on the same workload (`go tool pprof -top -nodecount=25 -diff_base raw.pprof ours.pprof`; "+
					"negative: less than the raw loop; both profiles cover the same number of workflows):\n\n```\n%s\n```\n", strings.TrimSpace(p.Diff))
			}
		}
	}

	fmt.Fprintf(w, "\n## Setup\n\n")
	fmt.Fprintf(w, "- **Workers run as child processes** (`bench/cmd/benchworker -impl ours|sdk|raw`), one per measurement, "+
		"so worker CPU (getrusage user+sys of the child over the measured window) and memory are the worker's alone. "+
		"The load generator is the driver process (`bench/cmd/bench`), which uses plain gRPC calls for every implementation.\n")
	fmt.Fprintf(w, "- **Our worker**: `worker.Options{CacheSize: worker.DefaultCacheSize (%d), WorkflowPollers: 2, ActivityPollers: 2, "+
		"MaxConcurrentWorkflowTasks: 1000, MaxConcurrentActivities: 1000}`, i.e. the same pollers and concurrency as sdk-go's defaults.\n", 10000)
	fmt.Fprintf(w, "- **sdk-go**: `worker.Options{}` (defaults: sticky cache 10000, 2 workflow and 2 activity task pollers, "+
		"1000 concurrent workflow tasks and activities).\n")
	fmt.Fprintf(w, "- **raw loop**: hand-written on go.temporal.io/api: one normal and one sticky workflow poller, two activity pollers, "+
		"a few fields of state per open run (so it gets only new events after the first task), tasks handled on their own goroutines; "+
		"implements exactly the throughput, park and latency workflows (signals, queries on workflow tasks and as query tasks, updates as protocol messages). "+
		"It has no replayer, so replay is n/a; its memory figure is the cost of that minimal state.\n")
	fmt.Fprintf(w, "- **Server CPU** per workflow: utime+stime of the dev server process (/proc/<pid>/stat, 10 ms ticks) over the measured window, divided by the workflows.\n")
	fmt.Fprintf(w, "- **Throughput**: each of %d workflows is started and its result awaited (a long poll for the close event) by one of %d "+
		"concurrent driver loops; latency is start→result per workflow. The three workers run side by side (after %d warm-up workflows each); "+
		"the workflows are split into %d rounds, in each of which every implementation in turn (order rotating, so that with a multiple of three rounds "+
		"each runs equally often first, second and third while the server's state grows) runs its share while the others idle. "+
		"Workflow tasks, events and phase times per workflow come from up to 200 histories sampled across the rounds. "+
		"The dev server runs with one partition per task queue (`matching.numTaskqueueReadPartitions=1`, `matching.numTaskqueueWritePartitions=1`): "+
		"with the default four, a task that lands in a partition no poller is waiting on waits there, and with one normal-queue poller per worker "+
		"that lottery, not the worker, decided throughput (per-round figures for the same worker varied from 35 to 86 workflows/s).\n", c.Workflows, c.InFlight, c.Warmup, c.Rounds)
	fmt.Fprintf(w, "- **Replay**: each history is recorded from a real run of the equivalent workflow on that SDK's own worker, fetched, "+
		"(the six recordings run concurrently), and replayed one at a time in a separate child process by that SDK's replayer (`worker.NewReplayer().ReplayHistory` for ours, "+
		"`worker.NewWorkflowReplayer().ReplayWorkflowHistory` for sdk-go); each repetition replays its own copy of the history, made, and followed by "+
		"`runtime.GC()`, outside the timed section; events/s = events / median replay time. "+
		"Workflows: ours uses signal handlers, sdk-go signal channels (each SDK's idiom).\n")
	fmt.Fprintf(w, "- **Memory**: the child reports VmRSS after `runtime.GC()` twice and `debug.FreeOSMemory()`, before and after "+
		"%d workflows have parked on a signal (all within the cache); the figure is the difference divided by the workflows.\n", c.Parked)
	fmt.Fprintf(w, "- **Latency**: one running workflow; signal→query-visible is the time from sending a signal until a query "+
		"returns the incremented counter (re-querying if needed); update is an `UpdateWorkflowExecution` waiting for completion. "+
		"Each implementation has its own worker and workflow; operations run one at a time after a short warm-up, interleaved: "+
		"operation i runs on every implementation in turn (order rotating), so that all three meet the same moments of the server's life.\n")
	fmt.Fprintf(w, "- **Test environment**: in the driver process, no server or worker. Each test run builds a fresh environment "+
		"(`testsuite.New(nil, testsuite.Options{})` for ours, `WorkflowTestSuite.NewTestWorkflowEnvironment` with a discarding logger for sdk-go), "+
		"registers the workflow (`Sleep` 30 days, then %d sequential calls of one activity returning a short string) and the activity itself, not a mock, "+
		"executes it and checks the result. After one checked warm-up run of each, `testing.Benchmark` times runs in %d repetitions per environment, "+
		"the order rotating each repetition; the figures are the medians, allocations are those of the last repetition.\n", TestEnvActivities, c.TestEnvReps)
	if g := r.Generator; g != nil && g.Tool == "benchcmp" {
		fmt.Fprintf(w, "- **Generator**: measured by the generator's own comparison command `%s` (synthetic package of %d workflows "+
			"with 2 signals, 1 query, 1 update with validator and 2 activities each; one file edited before every timed run so go vet "+
			"re-checks the package with its dependencies cached; `temporalgen -diff .` runs the whole pipeline: load, check, determinism analysis, emit).\n",
			benchcmpPkg, c.GenWorkflows)
	} else {
		fmt.Fprintf(w, "- **Generator**: a synthetic package of %d struct workflows (run calling an activity by name, a signal, a query, an update) "+
			"and %d activities; before every timed run one file changes so `go vet` re-analyses the package with its dependencies cached; "+
			"temporalgen's output is removed after each run. temporalgen runs its whole pipeline (load, check, determinism analysis, emit).\n",
			c.GenWorkflows, c.GenWorkflows)
		if g != nil && g.Fallback != "" {
			fmt.Fprintf(w, "  (`%s` failed: %s)\n", benchcmpPkg, strings.ReplaceAll(truncate(g.Fallback, 300), "\n", " "))
		}
	}
	if len(r.ServerArgs) > 0 {
		fmt.Fprintf(w, "- Dev server: `temporal %s`\n", strings.Join(r.ServerArgs, " "))
	}
}
