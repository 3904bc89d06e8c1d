// Package harness is the driver of `make bench`: it starts a Temporal dev
// server, runs every measurement against our runtime, go.temporal.io/sdk
// and a raw gRPC loop (each worker a benchworker child process, so its CPU
// time and memory are its own), and reports figures, ratios and targets.
// The generator and test-environment steps need no server: run alone
// (Config.Only), they start none.
//
// It reads /proc and so runs on Linux only.
package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// Config holds the sizes and paths of a run. Zero sizes skip nothing:
// start from Defaults or Quick.
type Config struct {
	WorkerBin      string // benchworker binary (required)
	TemporalgenBin string // temporalgen binary; empty skips the generator measurement
	TemporalCLI    string // dev server binary; empty: devserver's lookup ($TEMPORAL_CLI, <repo>/bin/temporal)
	RepoRoot       string // repository root (the generator's synthetic module replaces the runtime with it)
	WorkDir        string // histories, profiles and the synthetic package go here

	Workflows int // throughput: workflows measured
	InFlight  int // throughput: workflows in flight
	Warmup    int // throughput: workflows run before measuring
	Rounds    int // throughput: rounds the workflows are split into, implementations alternating

	Signals         int // replay shape 1: signals
	TimerBatches    int // replay shape 2: batches of 100 timers
	ActivityBatches int // replay shape 3: batches of 100 activities
	ReplayReps      int // replay: timed repetitions after one warm-up

	Parked int // memory: parked workflows

	LatencyOps int // latency: operations of each kind

	ObserveWorkflows int // observe: workflows of each implementation, with and without metrics + tracing

	GenWorkflows int // generator: workflows in the synthetic package
	GenReps      int // generator: timed runs of each tool
	TestEnvReps  int // testenv: timed repetitions of each test environment

	Only []string // run only these steps (throughput, observe, latency, replay, generator, testenv, memory); empty: all

	Profile bool // profile our worker for targets it misses
	Quick   bool // recorded in the report only
}

// Defaults are the sizes of the issue.
func Defaults() Config {
	return Config{
		Workflows: 2000, InFlight: 50, Warmup: 100, Rounds: 6, ObserveWorkflows: 1200,
		Signals: 9000, TimerBatches: 50, ActivityBatches: 33, ReplayReps: 5,
		Parked:       5000,
		LatencyOps:   1000,
		GenWorkflows: 200, GenReps: 3,
		TestEnvReps: 5,
		Profile:     true,
	}
}

// Quick are tiny sizes that only check that everything runs.
func Quick() Config {
	return Config{
		Workflows: 20, InFlight: 5, Warmup: 2, Rounds: 2, ObserveWorkflows: 20,
		Signals: 30, TimerBatches: 2, ActivityBatches: 2, ReplayReps: 1,
		Parked:       20,
		LatencyOps:   10,
		GenWorkflows: 3, GenReps: 1,
		TestEnvReps: 1,
		Quick:       true,
	}
}

// stepTimeout bounds each measurement, so a stuck worker fails the run
// instead of hanging it.
const stepTimeout = 10 * time.Minute

type harness struct {
	cfg       Config
	log       io.Writer
	srv       *devserver.Server
	serverPID int
	lg        *loadgen
	rep       *Report
}

// Run runs every measurement and returns the report. Progress goes to log.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Report, error) {
	if cfg.WorkerBin == "" {
		return nil, errors.New("harness: Config.WorkerBin is required")
	}
	if cfg.WorkDir == "" {
		d, err := os.MkdirTemp("", "bench-")
		if err != nil {
			return nil, err
		}
		cfg.WorkDir = d
	}
	for _, p := range []*string{&cfg.WorkDir, &cfg.WorkerBin, &cfg.TemporalgenBin, &cfg.TemporalCLI, &cfg.RepoRoot} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return nil, err
			}
			*p = abs
		}
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
		return nil, err
	}
	h := &harness{cfg: cfg, log: log}
	cpus, model := machine()
	h.rep = &Report{
		Date: time.Now().UTC(), CPUs: runtime.NumCPU(), CPUInfoCount: cpus, CPUModel: model,
		GoVersion: runtime.Version(), Config: cfg, Kernel: kernel(),
		LoadBefore: loadAvg(),
	}

	type step struct {
		name   string
		fn     func(context.Context) error
		server bool // needs the dev server (and worker processes)
	}
	steps := []step{
		{"throughput", h.throughput, true},
		{"observe", h.observe, true},
		{"latency", h.latency, true},
		{"replay", h.replay, true},
		{"generator", h.generator, false},
		{"testenv", h.testenv, false}, // in-process
		{"memory", h.memory, true},    // last: its parked workflows stay open
	}
	steps = slices.DeleteFunc(steps, func(s step) bool { return len(cfg.Only) > 0 && !slices.Contains(cfg.Only, s.name) })
	if slices.ContainsFunc(steps, func(s step) bool { return s.server }) {
		stop, err := h.startServer()
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	for _, s := range steps {
		t0 := time.Now()
		fmt.Fprintf(log, "bench: == %s\n", s.name)
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		err := s.fn(sctx)
		cancel()
		if err != nil {
			return h.rep, fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(log, "bench: %s took %v\n", s.name, time.Since(t0).Round(time.Second))
	}
	h.rep.LoadAfter = loadAvg()
	h.rep.evaluate()
	if cfg.Profile {
		fmt.Fprintln(log, "bench: == profiles of missed targets")
		if err := h.profiles(ctx); err != nil {
			return h.rep, fmt.Errorf("profiles: %w", err)
		}
	}
	return h.rep, nil
}

// startServer starts the dev server and connects the load generator to
// it; stop closes the connection and stops the server.
func (h *harness) startServer() (stop func(), err error) {
	fmt.Fprintln(h.log, "bench: starting dev server")
	srv, err := devserver.Start(devserver.Options{
		Binary: h.cfg.TemporalCLI,
		DynamicConfig: map[string]string{
			// The lazy protocol: workers that ask for eager activities
			// (ours and sdk-go by default) must not skip the task queue
			// that the raw loop goes through.
			"system.enableActivityEagerExecution": "false",
			// The replay and latency workloads send thousands of signals
			// and updates to one workflow.
			"history.maximumSignalsPerExecution": "100000",
			"history.maxTotalUpdates":            "100000",
			// One partition per task queue: with the default four and
			// one normal-queue poller per worker, how long a workflow
			// task waits depends on which partition it lands in, and
			// that lottery, not the worker, decided the throughput.
			"matching.numTaskqueueReadPartitions":  "1",
			"matching.numTaskqueueWritePartitions": "1",
		},
	})
	if err != nil {
		return nil, err
	}
	h.srv = srv
	h.rep.ServerArgs = srv.Args()
	conn, err := grpc.NewClient(srv.Address(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err == nil {
		h.serverPID, err = findServerPID(portOf(srv.Address()))
	}
	stop = func() {
		if conn != nil {
			conn.Close()
		}
		srv.Stop()
	}
	if err != nil {
		stop()
		return nil, err
	}
	h.lg = &loadgen{svc: workflowservice.NewWorkflowServiceClient(conn), ns: srv.Namespace()}
	return stop, nil
}

func portOf(addr string) int {
	var p int
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			fmt.Sscan(addr[i+1:], &p)
			break
		}
	}
	return p
}

func isTimeout(err error) bool {
	return status.Code(err) == codes.DeadlineExceeded
}

// order returns the implementations rotated by k, so that no
// implementation always runs first.
func order(k int) []string { return rotate(shape.Impls, k) }

// rotate returns impls rotated left by k.
func rotate(impls []string, k int) []string {
	n := len(impls)
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, impls[(i+k)%n])
	}
	return out
}

func (h *harness) serverCPU() time.Duration {
	d, err := procCPU(h.serverPID)
	if err != nil {
		fmt.Fprintf(h.log, "bench: reading server CPU: %v\n", err)
	}
	return d
}

func (h *harness) path(name string) string { return filepath.Join(h.cfg.WorkDir, name) }

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1 // nearest rank
	return s[max(0, min(i, len(s)-1))]
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
