package reliability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

// Config describes one chaos run.
type Config struct {
	// Workflows is how many workload workflows run (full form 1,000;
	// short form 100).
	Workflows int
	// Concurrency bounds the workflows in flight at once (default 50).
	Concurrency int
	// Exe and ExeArgs start a worker process: the running program
	// re-executed (os.Executable), which must call WorkerMain when
	// IsWorkerProcess. A test binary needs ExeArgs {"-test.run=^$"}.
	Exe     string
	ExeArgs []string
	// Dir receives the server's database file and the workers' logs.
	Dir string
	// NoFaults runs the workload without faults (a baseline).
	NoFaults bool
	// Timeout bounds the whole run (default 10 minutes).
	Timeout time.Duration
	// Logf reports progress (default: discard).
	Logf func(format string, args ...any)
}

// fault is one disruption, fired when completed workflows reach at of
// the total.
type fault struct {
	at   float64
	name string
}

// faults is the schedule of a run: two worker crashes with replacements,
// a server crash and restart on its database file, and a graceful stop.
var faults = []fault{
	{0.10, "kill -9 worker A, start A'"},
	{0.30, "kill -9 worker B, start B'"},
	{0.50, "kill -9 server, restart on its DB file"},
	{0.70, "stop worker A' gracefully"},
}

// run is the state of one chaos run.
type run struct {
	cfg     Config
	srv     *devserver.Server
	c       *client.Client
	tq      string
	logs    io.Writer
	started time.Time

	mu        sync.Mutex
	workers   map[string]*WorkerProcess
	outcomes  []Outcome
	completed int
	firstFail error
}

// Outcome is what the driver saw of one workflow.
type Outcome struct {
	ID           string
	Result       Result
	Err          error         // the workflow's error, or the driver's
	UpdateValues []int         // what the updates returned, in order of return
	UpdateErrors int           // update calls that failed and were retried
	SignalErrors int           // signal calls that returned an error
	Completed    time.Duration // since the start of the run
}

// Run starts a dev server on a database file in cfg.Dir and three worker
// processes (one without a cache), runs cfg.Workflows workload workflows
// through the fault schedule, checks every outcome and history, and
// returns the report. The error is nil only when every check passed; the
// report is returned either way when the run got that far.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 50
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Minute
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	logFile, err := os.Create(filepath.Join(cfg.Dir, "workers.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	srv, err := devserver.Start(devserver.Options{DBFile: filepath.Join(cfg.Dir, "temporal.db")})
	if err != nil {
		return nil, err
	}
	defer func() { _ = srv.Stop() }()
	c, err := client.Dial(ctx, client.Options{HostPort: srv.Address(), Namespace: srv.Namespace()})
	if err != nil {
		return nil, err
	}
	defer c.Close()

	r := &run{cfg: cfg, srv: srv, c: c, tq: fmt.Sprintf("chaos-%d", time.Now().UnixNano()), logs: &syncWriter{w: logFile}, workers: map[string]*WorkerProcess{}}
	for _, w := range []struct {
		name  string
		cache int
	}{{"A", 1000}, {"B", 1000}, {"C", 0}} {
		if err := r.startWorker(w.name, w.cache); err != nil {
			return nil, err
		}
	}
	defer r.stopWorkers()

	r.started = time.Now()
	rep := &Report{Workflows: cfg.Workflows, Faults: !cfg.NoFaults}
	faultsDone := make(chan []FaultTiming, 1)
	progress := make(chan int, cfg.Workflows)
	go func() { faultsDone <- r.injectFaults(ctx, progress) }()

	sem := make(chan struct{}, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range cfg.Workflows {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			o := r.drive(ctx, fmt.Sprintf("%s-%04d", r.tq, i))
			r.mu.Lock()
			r.outcomes = append(r.outcomes, o)
			r.completed++
			n := r.completed
			r.mu.Unlock()
			progress <- n
		}()
	}
	wg.Wait()
	close(progress)
	rep.Elapsed = time.Since(r.started)
	rep.FaultTimings = <-faultsDone
	cfg.Logf("all %d workflows returned after %v; checking histories", cfg.Workflows, rep.Elapsed.Round(time.Millisecond))
	r.check(ctx, rep)
	return rep, rep.Err()
}

// startWorker starts (or replaces) the worker process called name.
func (r *run) startWorker(name string, cache int) error {
	p, err := StartWorker(r.cfg.Exe, r.cfg.ExeArgs, name, r.srv.Address(), r.srv.Namespace(), r.tq, cache, prefixed(r.logs, name))
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.workers[name] = p
	r.mu.Unlock()
	return nil
}

func (r *run) stopWorkers() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.workers {
		_ = p.Stop(10 * time.Second)
	}
}

// drive runs one workload workflow: start, then all signals and updates
// at once, then wait for the result.
func (r *run) drive(ctx context.Context, id string) Outcome {
	o := Outcome{ID: id}
	h, err := r.c.StartWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: r.tq, WorkflowTaskTimeout: 4 * time.Second,
	}, WorkflowType, id)
	if err != nil {
		o.Err = fmt.Errorf("start: %w", err)
		return o
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range Signals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Signals are not re-sent: the client's retries (same request
			// ID) must get each through exactly once.
			if err := h.Signal(ctx, SignalName); err != nil {
				mu.Lock()
				o.SignalErrors++
				if o.Err == nil {
					o.Err = fmt.Errorf("signal: %w", err)
				}
				mu.Unlock()
			}
		}()
	}
	for k := range Updates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, errs, err := r.update(ctx, h, fmt.Sprintf("%s-update-%d", id, k))
			mu.Lock()
			defer mu.Unlock()
			o.UpdateErrors += errs
			if err != nil {
				if o.Err == nil {
					o.Err = fmt.Errorf("update: %w", err)
				}
				return
			}
			o.UpdateValues = append(o.UpdateValues, v)
		}()
	}
	wg.Wait()
	if err := h.Get(ctx, &o.Result); err != nil && o.Err == nil {
		o.Err = err
	}
	o.Completed = time.Since(r.started)
	return o
}

// update sends one update with a fixed ID until it completes: a call that
// failed (the server went away mid-call) is sent again with the same ID,
// which attaches to the first if it got through. It returns the update's
// value and how many calls failed.
func (r *run) update(ctx context.Context, h *client.WorkflowHandle, updateID string) (int, int, error) {
	failures := 0
	for {
		var v int
		uh, err := h.StartUpdate(ctx, client.UpdateOptions{UpdateID: updateID, WaitForStage: client.UpdateStageCompleted}, UpdateName)
		if err == nil {
			err = uh.Get(ctx, &v)
		}
		if err == nil {
			return v, failures, nil
		}
		var failed *client.UpdateFailedError
		if errors.As(err, &failed) || ctx.Err() != nil {
			return 0, failures, err
		}
		failures++
		r.cfg.Logf("update %s failed, sending it again: %v", updateID, err)
		select {
		case <-ctx.Done():
			return 0, failures, err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// injectFaults fires the fault schedule as completions reach each fault's
// fraction, and returns when and how long each took, and when the next
// workflow completed after it.
func (r *run) injectFaults(ctx context.Context, progress <-chan int) []FaultTiming {
	var timings []FaultTiming
	next := 0
	for n := range progress {
		for !r.cfg.NoFaults && next < len(faults) && float64(n) >= faults[next].at*float64(r.cfg.Workflows) {
			f := faults[next]
			next++
			at := time.Since(r.started)
			err := r.fire(f)
			timings = append(timings, FaultTiming{Name: f.name, At: at, Took: time.Since(r.started) - at, Completed: n, Err: err})
			r.cfg.Logf("fault %q at %v after %d completions (took %v, err %v)", f.name, at.Round(time.Millisecond), n, (time.Since(r.started) - at).Round(time.Millisecond), err)
		}
	}
	_ = ctx
	return timings
}

func (r *run) fire(f fault) error {
	switch f.name {
	case faults[0].name:
		return r.killAndReplace("A", "A'", 1000)
	case faults[1].name:
		return r.killAndReplace("B", "B'", 1000)
	case faults[2].name:
		if err := r.srv.Kill(); err != nil {
			return err
		}
		return r.srv.Restart()
	case faults[3].name:
		r.mu.Lock()
		p := r.workers["A'"]
		delete(r.workers, "A'")
		r.mu.Unlock()
		return p.Stop(30 * time.Second)
	}
	return fmt.Errorf("unknown fault %q", f.name)
}

func (r *run) killAndReplace(old, repl string, cache int) error {
	r.mu.Lock()
	p := r.workers[old]
	delete(r.workers, old)
	r.mu.Unlock()
	p.Kill()
	return r.startWorker(repl, cache)
}

// check verifies every outcome and scans every history, filling rep.
func (r *run) check(ctx context.Context, rep *Report) {
	sort.Slice(r.outcomes, func(i, j int) bool { return r.outcomes[i].Completed < r.outcomes[j].Completed })
	rep.Outcomes = r.outcomes
	for _, o := range r.outcomes {
		rep.UpdateRetries += o.UpdateErrors
		rep.SignalErrors += o.SignalErrors
		switch {
		case o.Err != nil:
			rep.fail("%s: %v", o.ID, o.Err)
		case o.Result.Signals != Signals:
			rep.fail("%s: %d signals, want %d", o.ID, o.Result.Signals, Signals)
		case o.Result.Updates != Updates:
			rep.fail("%s: %d updates, want %d", o.ID, o.Result.Updates, Updates)
		case !sameInts(o.UpdateValues, 1, 2):
			rep.fail("%s: updates returned %v, want 1 and 2", o.ID, o.UpdateValues)
		case o.Result.Child != "child "+o.ID || o.Result.Local != "done "+o.ID || o.Result.Activity != "done "+o.ID:
			rep.fail("%s: unexpected result %+v", o.ID, o.Result)
		default:
			rep.Completed++
		}
	}
	for _, o := range r.outcomes {
		if o.Err != nil && o.Result == (Result{}) {
			continue
		}
		r.scan(ctx, rep, o.ID)
	}
	for i := range rep.FaultTimings {
		ft := &rep.FaultTimings[i]
		for _, o := range r.outcomes {
			if o.Err == nil && o.Completed > ft.At+ft.Took {
				ft.NextCompletion = o.Completed - (ft.At + ft.Took)
				break
			}
		}
	}
	rep.throughput(r.outcomes)
}

// scan reads the histories of workflow id and its child, counting failed
// and timed-out workflow tasks and failing on a nondeterminism cause.
func (r *run) scan(ctx context.Context, rep *Report, id string) {
	var children []string
	for ev, err := range r.c.GetWorkflow(id, "").History(ctx) {
		if err != nil {
			rep.fail("%s: history: %v", id, err)
			return
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
			rep.TaskFailures++
			if ev.GetWorkflowTaskFailedEventAttributes().GetCause() == enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR {
				rep.fail("%s: workflow task %d failed as nondeterministic: %s", id, ev.GetEventId(), ev.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage())
			}
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
			rep.TaskTimeouts++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
			rep.ActivityTimeouts++
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
			children = append(children, ev.GetChildWorkflowExecutionStartedEventAttributes().GetWorkflowExecution().GetWorkflowId())
		}
	}
	for _, child := range children {
		r.scan(ctx, rep, child)
	}
}

func sameInts(got []int, want ...int) bool {
	if len(got) != len(want) {
		return false
	}
	s := append([]int(nil), got...)
	sort.Ints(s)
	for i := range s {
		if s[i] != want[i] {
			return false
		}
	}
	return true
}

// syncWriter serialises writes of several processes' logs to one file.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// prefixed returns a writer that writes each chunk to w after "[name] ".
func prefixed(w io.Writer, name string) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		if _, err := fmt.Fprintf(w, "[%s] %s", name, p); err != nil {
			return 0, err
		}
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
