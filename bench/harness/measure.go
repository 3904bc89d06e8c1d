package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// ThroughputResult is one implementation's throughput run.
type ThroughputResult struct {
	Workflows    int
	Wall         time.Duration
	PerSec       float64
	WorkerCPU    time.Duration // per workflow
	ServerCPU    time.Duration // per workflow
	P50, P99     time.Duration // start → result
	WorkerMaxRSS int64         // KiB, over the worker's life
	AllocPerWF   float64       // bytes the worker allocated per workflow
	Stalled      int           // workflows whose start→result took longer than stallAfter
	GCPerKWF     float64       // worker GC cycles per 1000 workflows
	TasksPerWF   float64       // workflow tasks per workflow (sampled histories)
	EventsPerWF  float64       // history events per workflow (sampled histories)
	Sampled      int           // histories sampled
	Phases       map[string]PhaseStats
}

// runMany runs n workflows of wfType, inFlight at a time, each from start
// to result, and returns their latencies.
func (h *harness) runMany(ctx context.Context, prefix, wfType, tq string, n, inFlight int) ([]time.Duration, error) {
	lat := make([]time.Duration, n)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(inFlight, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				id := fmt.Sprintf("%s-%d", prefix, i)
				t0 := time.Now()
				run, err := h.lg.start(ctx, id, wfType, tq)
				if err == nil {
					_, err = h.lg.wait(ctx, id, run)
				}
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	return lat, first
}

func (h *harness) throughput(ctx context.Context) error {
	res, err := h.throughputRounds(ctx, shape.Impls, h.cfg.Workflows, max(1, h.cfg.Rounds), nil)
	if err != nil {
		return err
	}
	h.rep.Throughput = res
	for _, impl := range shape.Impls {
		r := res[impl]
		fmt.Fprintf(h.log, "bench: throughput %-4s %6.1f wf/s  worker %5.0f µs/wf  server %5.1f ms/wf  p50 %v p99 %v  %.1f workflow tasks/wf\n",
			impl, r.PerSec, us(r.WorkerCPU), ms(r.ServerCPU), r.P50.Round(time.Millisecond/10), r.P99.Round(time.Millisecond/10), r.TasksPerWF)
	}
	return nil
}

// throughputRounds starts a worker per implementation, warms each up, and
// then runs rounds: in each, every implementation in turn (the order
// rotating between rounds) runs its share of the workflows while the
// others idle. Figures sum over the rounds.
func (h *harness) throughputRounds(ctx context.Context, impls []string, total, rounds int, extra map[string][]string) (map[string]*ThroughputResult, error) {
	type state struct {
		c      *child
		tq     string
		lat    []time.Duration
		wall   time.Duration
		worker time.Duration
		server time.Duration
		alloc  int64
		gcs    int64
		done   int
	}
	st := map[string]*state{}
	defer func() {
		for _, s := range st {
			s.c.quit()
		}
	}()
	for _, impl := range impls {
		tq := fmt.Sprintf("tp-%s-%s", strings.ReplaceAll(impl, Observed, "-obs"), newID()[:8])
		base, flags := childImpl(impl)
		c, err := h.startChild(base, tq, append(flags, extra[impl]...)...)
		if err != nil {
			return nil, err
		}
		st[impl] = &state{c: c, tq: tq}
		if _, err := h.runMany(ctx, tq+"-warm", shape.Throughput, tq, h.cfg.Warmup, h.cfg.InFlight); err != nil {
			return nil, err
		}
	}
	for r := range rounds {
		for _, impl := range rotate(impls, r) {
			s := st[impl]
			n := total/rounds + boolInt(r < total%rounds)
			s0, err := s.c.stats()
			if err != nil {
				return nil, err
			}
			sv0 := h.serverCPU()
			t0 := time.Now()
			lat, err := h.runMany(ctx, fmt.Sprintf("%s-r%d", s.tq, r), shape.Throughput, s.tq, n, h.cfg.InFlight)
			if err != nil {
				return nil, err
			}
			s.wall += time.Since(t0)
			s.server += h.serverCPU() - sv0
			s1, err := s.c.stats()
			if err != nil {
				return nil, err
			}
			wall := time.Since(t0)
			worker := time.Duration((s1.UserMicros+s1.SysMicros)-(s0.UserMicros+s0.SysMicros)) * time.Microsecond
			server := h.serverCPU() - sv0
			fmt.Fprintf(h.log, "bench: throughput round %d %-4s %6.1f wf/s  worker %5.0f µs/wf  server %5.1f ms/wf\n",
				r, impl, float64(n)/wall.Seconds(), us(worker/time.Duration(n)), ms(server/time.Duration(n)))
			s.worker += worker
			s.alloc += s1.AllocBytes - s0.AllocBytes
			s.gcs += s1.GCCycles - s0.GCCycles
			s.lat = append(s.lat, lat...)
			s.done += n
		}
	}
	out := map[string]*ThroughputResult{}
	for _, impl := range impls {
		s := st[impl]
		last, err := s.c.stats()
		if err != nil {
			return nil, err
		}
		res := &ThroughputResult{
			Workflows: s.done, Wall: s.wall, PerSec: float64(s.done) / s.wall.Seconds(),
			WorkerCPU: s.worker / time.Duration(s.done), ServerCPU: s.server / time.Duration(s.done),
			P50: percentile(s.lat, 0.50), P99: percentile(s.lat, 0.99), WorkerMaxRSS: last.MaxRSSKB,
			AllocPerWF: float64(s.alloc) / float64(s.done), GCPerKWF: 1000 * float64(s.gcs) / float64(s.done),
			Stalled: stalled(s.lat),
		}
		// Workflow tasks and events per workflow, and where the time went,
		// from a sample of histories.
		if err := h.sampleHistories(ctx, res, s.tq, rounds, s.done); err != nil {
			return nil, err
		}
		out[impl] = res
	}
	return out, nil
}

// Observed is the suffix of an implementation run with metrics and
// tracing on (benchworker -observe).
const Observed = "+obs"

// childImpl returns the benchworker -impl of impl and the flags it needs.
func childImpl(impl string) (string, []string) {
	if base, ok := strings.CutSuffix(impl, Observed); ok {
		return base, []string{"-observe"}
	}
	return impl, nil
}

// observe runs the throughput workload on ours and sdk-go, each with and
// without SDK metrics recorded into OpenTelemetry and OpenTelemetry
// tracing of every workflow and activity, interleaved in rounds.
func (h *harness) observe(ctx context.Context) error {
	if h.cfg.ObserveWorkflows <= 0 {
		return fmt.Errorf("Config.ObserveWorkflows is %d", h.cfg.ObserveWorkflows)
	}
	impls := []string{shape.Ours, shape.Ours + Observed, shape.SDK, shape.SDK + Observed}
	res, err := h.throughputRounds(ctx, impls, h.cfg.ObserveWorkflows, max(1, h.cfg.Rounds), nil)
	if err != nil {
		return err
	}
	h.rep.Observe = res
	for _, impl := range impls {
		fmt.Fprintf(h.log, "bench: observe %-8s worker %5.0f µs/wf\n", impl, us(res[impl].WorkerCPU))
	}
	return nil
}

// Phases of a throughput workflow, from the timestamps of its history.
const (
	PhaseTaskQueue    = "workflow task schedule→start"    // waiting for a workflow poller
	PhaseTaskRun      = "workflow task start→complete"    // worker handling + respond RPC
	PhaseActQueue     = "activity schedule→start"         // waiting for an activity poller
	PhaseActRun       = "activity start→complete"         // worker running + respond RPC
	PhaseStartToFirst = "start→first workflow task start" // start to the first task reaching the worker
)

// Phases lists the phases in report order.
var Phases = []string{PhaseStartToFirst, PhaseTaskQueue, PhaseTaskRun, PhaseActQueue, PhaseActRun}

// PhaseStats summarise one phase over the sampled workflows.
type PhaseStats struct {
	Mean, P95, Max time.Duration
}

func (h *harness) sampleHistories(ctx context.Context, res *ThroughputResult, tq string, rounds, done int) error {
	perRound := done / max(1, rounds)
	sample := min(200, perRound)
	if sample == 0 {
		return nil
	}
	var tasks, events int
	phases := map[string][]time.Duration{}
	// Spread over the rounds, so that the sample sees the same mix of
	// positions in the rotation as the figures.
	rounds = max(1, rounds)
	perSample := max(1, sample/rounds)
	for i := range sample {
		r, k := i%rounds, i/rounds
		hist, err := h.lg.history(ctx, fmt.Sprintf("%s-r%d-%d", tq, r, (k*perRound/perSample)%perRound), "")
		if err != nil {
			return err
		}
		events += len(hist.Events)
		var start time.Time
		byID := map[int64]time.Time{}
		firstTask := true
		for _, e := range hist.Events {
			t := e.GetEventTime().AsTime()
			byID[e.GetEventId()] = t
			switch e.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
				start = t
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
				tasks++
				a := e.GetWorkflowTaskStartedEventAttributes()
				phases[PhaseTaskQueue] = append(phases[PhaseTaskQueue], t.Sub(byID[a.GetScheduledEventId()]))
				if firstTask {
					phases[PhaseStartToFirst] = append(phases[PhaseStartToFirst], t.Sub(start))
					firstTask = false
				}
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				a := e.GetWorkflowTaskCompletedEventAttributes()
				phases[PhaseTaskRun] = append(phases[PhaseTaskRun], t.Sub(byID[a.GetStartedEventId()]))
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
				a := e.GetActivityTaskCompletedEventAttributes()
				phases[PhaseActQueue] = append(phases[PhaseActQueue], byID[a.GetStartedEventId()].Sub(byID[a.GetScheduledEventId()]))
				phases[PhaseActRun] = append(phases[PhaseActRun], t.Sub(byID[a.GetStartedEventId()]))
			}
		}
	}
	res.TasksPerWF, res.EventsPerWF = float64(tasks)/float64(sample), float64(events)/float64(sample)
	res.Phases = map[string]PhaseStats{}
	for name, ds := range phases {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		res.Phases[name] = PhaseStats{Mean: sum / time.Duration(len(ds)), P95: percentile(ds, 0.95), Max: percentile(ds, 1)}
	}
	res.Sampled = sample
	return nil
}

// stallAfter is the start→result time past which a throughput workflow
// counts as stalled: far beyond any queueing delay of the run, it means a
// task was lost or timed out and retried.
const stallAfter = 10 * time.Second

func stalled(lat []time.Duration) int {
	n := 0
	for _, d := range lat {
		if d > stallAfter {
			n++
		}
	}
	return n
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// LatencyResult is one implementation's latency run.
type LatencyResult struct {
	Ops                  int
	SignalP50, SignalP99 time.Duration // signal sent → query sees it
	UpdateP50, UpdateP99 time.Duration // update round trip
	// UpdateTaskP50 and UpdateTaskP99 are the worker's part of an update:
	// from the workflow task's start to its completion, as the server
	// recorded them in history.
	UpdateTaskP50, UpdateTaskP99 time.Duration
	Queries                      int // queries sent for the signal operations
}

func (h *harness) latency(ctx context.Context) error {
	res, err := h.latencyRuns(ctx, shape.Impls, h.cfg.LatencyOps, nil)
	if err != nil {
		return err
	}
	h.rep.Latency = res
	for _, impl := range shape.Impls {
		r := res[impl]
		fmt.Fprintf(h.log, "bench: latency %-4s signal→query p50 %v p99 %v  update p50 %v p99 %v (in the worker: p50 %v p99 %v)\n",
			impl, r.SignalP50.Round(time.Millisecond/100), r.SignalP99.Round(time.Millisecond/100),
			r.UpdateP50.Round(time.Millisecond/100), r.UpdateP99.Round(time.Millisecond/100),
			r.UpdateTaskP50.Round(time.Millisecond/100), r.UpdateTaskP99.Round(time.Millisecond/100))
	}
	return nil
}

// latencyRuns starts a worker and a latency workflow per implementation
// and measures them interleaved: operation i runs on every implementation
// in turn, the order rotating, one operation at a time, so that all see
// the same moments of the server's life (its pauses decide the p99).
func (h *harness) latencyRuns(ctx context.Context, impls []string, ops int, extra map[string][]string) (map[string]*LatencyResult, error) {
	type state struct {
		id, run  string
		count    int
		sig, upd []time.Duration
		res      *LatencyResult
	}
	st := map[string]*state{}
	for _, impl := range impls {
		tq := fmt.Sprintf("lat-%s-%s", impl, newID()[:8])
		c, err := h.startChild(impl, tq, extra[impl]...)
		if err != nil {
			return nil, err
		}
		defer c.quit()
		run, err := h.lg.start(ctx, tq, shape.Latency, tq)
		if err != nil {
			return nil, err
		}
		st[impl] = &state{id: tq, run: run, res: &LatencyResult{Ops: ops}}
	}
	warm := max(5, ops/50)

	for i := range warm + ops {
		for _, impl := range rotate(impls, i) {
			s := st[impl]
			t0 := time.Now()
			if err := h.lg.signal(ctx, s.id, shape.SigInc); err != nil {
				return nil, err
			}
			s.count++
			for {
				n, err := h.lg.query(ctx, s.id, shape.QryCount)
				if err != nil {
					return nil, err
				}
				if i >= warm {
					s.res.Queries++
				}
				if n >= s.count {
					break
				}
			}
			if i >= warm {
				s.sig = append(s.sig, time.Since(t0))
			}
		}
	}
	for i := range warm + ops {
		for _, impl := range rotate(impls, i) {
			s := st[impl]
			t0 := time.Now()
			n, err := h.lg.update(ctx, s.id, shape.UpdAdd)
			if err != nil {
				return nil, err
			}
			s.count++
			if n != s.count {
				return nil, fmt.Errorf("%s: update returned %d, want %d", impl, n, s.count)
			}
			if i >= warm {
				s.upd = append(s.upd, time.Since(t0))
			}
		}
	}
	out := map[string]*LatencyResult{}
	for _, impl := range impls {
		s := st[impl]
		if err := h.lg.signal(ctx, s.id, shape.SigDone); err != nil {
			return nil, err
		}
		if _, err := h.lg.wait(ctx, s.id, s.run); err != nil {
			return nil, err
		}
		res := s.res
		res.SignalP50, res.SignalP99 = percentile(s.sig, 0.5), percentile(s.sig, 0.99)
		res.UpdateP50, res.UpdateP99 = percentile(s.upd, 0.5), percentile(s.upd, 0.99)
		hist, err := h.lg.history(ctx, s.id, s.run)
		if err != nil {
			return nil, err
		}
		if tasks := updateTaskTimes(hist.GetEvents()); len(tasks) > warm {
			tasks = tasks[warm:]
			res.UpdateTaskP50, res.UpdateTaskP99 = percentile(tasks, 0.5), percentile(tasks, 0.99)
		}
		out[impl] = res
	}
	return out, nil
}

// updateTaskTimes returns, in order, the start→complete time of every
// workflow task that accepted an update.
func updateTaskTimes(events []*historypb.HistoryEvent) []time.Duration {
	var out []time.Duration
	started := map[int64]time.Time{}
	var last time.Duration
	for _, e := range events {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
			started[e.GetEventId()] = e.GetEventTime().AsTime()
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			a := e.GetWorkflowTaskCompletedEventAttributes()
			last = e.GetEventTime().AsTime().Sub(started[a.GetStartedEventId()])
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			out = append(out, last)
		}
	}
	return out
}

// ReplayResult is one implementation's replay of one history shape.
type ReplayResult struct {
	Events       int
	Seconds      []float64 // per timed repetition
	EventsPerSec float64   // Events / median(Seconds)
	History      string    // the recorded history (binary proto)
}

// Replay shapes.
const (
	ShapeSignals    = "signals"
	ShapeTimers     = "timers"
	ShapeActivities = "activities"
)

// Shapes lists the replay history shapes.
var Shapes = []string{ShapeSignals, ShapeTimers, ShapeActivities}

func (h *harness) replay(ctx context.Context) error {
	h.rep.Replay = map[string]map[string]*ReplayResult{}
	// Record every history first, all at once: recording is bound by the
	// server and by waits (timers, activity dispatch), not by the workers,
	// and the replays below run alone.
	type rec struct {
		sh, impl, file string
		events         int
		err            error
		took           time.Duration
	}
	var recs []*rec
	var wg sync.WaitGroup
	for k, sh := range Shapes {
		h.rep.Replay[sh] = map[string]*ReplayResult{}
		for _, impl := range order(k) {
			if impl == shape.Raw {
				continue // no replayer
			}
			r := &rec{sh: sh, impl: impl}
			recs = append(recs, r)
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				r.file, r.events, r.err = h.record(ctx, r.impl, r.sh)
				r.took = time.Since(t0)
			}()
		}
	}
	wg.Wait()
	for _, r := range recs {
		if r.err != nil {
			return r.err
		}
		fmt.Fprintf(h.log, "bench: recorded %-10s on %-4s: %d events in %v\n", r.sh, r.impl, r.events, r.took.Round(time.Second/10))
	}
	for _, r := range recs {
		res, err := h.replayOne(r.impl, r.file, h.cfg.ReplayReps, nil)
		if err != nil {
			return err
		}
		res.History = r.file
		h.rep.Replay[r.sh][r.impl] = res
		fmt.Fprintf(h.log, "bench: replay %-10s %-4s %d events, median %.2f ms, %.0f events/s\n",
			r.sh, r.impl, res.Events, 1000*median(res.Seconds), res.EventsPerSec)
	}
	return nil
}

// record runs the workflow of a history shape on impl's worker and saves
// its history as a binary proto.
func (h *harness) record(ctx context.Context, impl, sh string) (string, int, error) {
	tq := fmt.Sprintf("rec-%s-%s-%s", sh, impl, newID()[:8])
	c, err := h.startChild(impl, tq)
	if err != nil {
		return "", 0, err
	}
	defer c.quit()
	id := tq
	var run string
	switch sh {
	case ShapeSignals:
		if run, err = h.lg.start(ctx, id, shape.RecSignals, tq, h.cfg.Signals); err != nil {
			return "", 0, err
		}
		var (
			next atomic.Int64
			wg   sync.WaitGroup
			errs = make(chan error, 8)
		)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(h.cfg.Signals) {
					if err := h.lg.signal(ctx, id, shape.SigS); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return "", 0, err
		}
	case ShapeTimers:
		run, err = h.lg.start(ctx, id, shape.RecTimers, tq, h.cfg.TimerBatches)
	case ShapeActivities:
		run, err = h.lg.start(ctx, id, shape.RecActivities, tq, h.cfg.ActivityBatches)
	}
	if err != nil {
		return "", 0, err
	}
	if _, err := h.lg.wait(ctx, id, run); err != nil {
		return "", 0, err
	}
	hist, err := h.lg.history(ctx, id, run)
	if err != nil {
		return "", 0, err
	}
	b, err := proto.Marshal(hist)
	if err != nil {
		return "", 0, err
	}
	file := h.path(fmt.Sprintf("history-%s-%s.pb", sh, impl))
	return file, len(hist.Events), os.WriteFile(file, b, 0o644)
}

// replayOne replays a history file in a benchworker child.
func (h *harness) replayOne(impl, file string, reps int, extra []string) (*ReplayResult, error) {
	args := append([]string{"-mode", "replay", "-impl", impl, "-history", file, "-reps", fmt.Sprint(reps)}, extra...)
	cmd := exec.Command(h.cfg.WorkerBin, args...)
	cmd.Stderr = &prefixWriter{prefix: "[" + impl + " replay] ", w: h.log}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s replay of %s: %w", impl, file, err)
	}
	var r shape.Replay
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("%s replay of %s: %q: %w", impl, file, out, err)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("%s replay of %s: %s", impl, file, r.Error)
	}
	res := &ReplayResult{Events: r.Events, Seconds: r.Seconds}
	if m := median(r.Seconds); m > 0 {
		res.EventsPerSec = float64(r.Events) / m
	}
	return res, nil
}

// MemoryResult is one implementation's parked-workflow memory.
type MemoryResult struct {
	Parked             int
	Before, After      shape.Mem
	RSSPerWorkflow     float64 // bytes
	HeapPerWorkflow    float64 // bytes
	StackPerWorkflow   float64 // bytes
	GoroutinesPerWF    float64
	HeapProfile        string
	StartWall, Settled time.Duration
}

func (h *harness) memory(ctx context.Context) error {
	h.rep.Memory = map[string]*MemoryResult{}
	for _, impl := range order(2) {
		r, err := h.memoryOne(ctx, impl)
		if err != nil {
			return err
		}
		h.rep.Memory[impl] = r
		fmt.Fprintf(h.log, "bench: memory %-4s %d parked: RSS %.1f KB/wf, heap %.1f KB/wf, stacks %.1f KB/wf, %.2f goroutines/wf\n",
			impl, r.Parked, r.RSSPerWorkflow/1024, r.HeapPerWorkflow/1024, r.StackPerWorkflow/1024, r.GoroutinesPerWF)
	}
	return nil
}

func (h *harness) memoryOne(ctx context.Context, impl string) (*MemoryResult, error) {
	tq := fmt.Sprintf("mem-%s-%s", impl, newID()[:8])
	var extra []string
	res := &MemoryResult{Parked: h.cfg.Parked}
	if impl == shape.Ours {
		res.HeapProfile = h.path("heap-ours.pprof")
		extra = append(extra, "-memprofile", res.HeapProfile)
	}
	c, err := h.startChild(impl, tq, extra...)
	if err != nil {
		return nil, err
	}
	defer c.quit()
	if res.Before, err = c.gc(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make(chan error, 50)
	)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(h.cfg.Parked) {
					return
				}
				if _, err := h.lg.start(ctx, fmt.Sprintf("%s-%d", tq, i), shape.Park, tq); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	res.StartWall = time.Since(t0)
	deadline := time.Now().Add(5 * time.Minute)
	for {
		s, err := c.stats()
		if err != nil {
			return nil, err
		}
		if s.Started >= int64(h.cfg.Parked) {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: only %d of %d workflows parked after 5 minutes", impl, s.Started, h.cfg.Parked)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let the last workflow task completions finish.
	time.Sleep(time.Second)
	res.Settled = time.Since(t0)
	if res.After, err = c.gc(); err != nil {
		return nil, err
	}
	n := float64(h.cfg.Parked)
	res.RSSPerWorkflow = float64(res.After.RSSKB-res.Before.RSSKB) * 1024 / n
	res.HeapPerWorkflow = float64(res.After.HeapBytes-res.Before.HeapBytes) / n
	res.StackPerWorkflow = float64(res.After.StackBytes-res.Before.StackBytes) / n
	res.GoroutinesPerWF = float64(res.After.Goroutines-res.Before.Goroutines) / n
	return res, nil
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
