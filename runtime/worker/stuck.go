package worker

import (
	"log/slog"
	"sync"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// DefaultMaxStuckWorkflows is Options.MaxStuckWorkflows when it is not set.
const DefaultMaxStuckWorkflows = 16

// StuckGaugeName is the gauge (Options.MetricsHandler) that holds the number
// of workflow runs whose code is stuck on this worker.
const StuckGaugeName = "temporal_worker_stuck_workflows"

// stuckRuns tracks runs whose workflow code the deadlock watchdog found
// not yielding. Go cannot stop a goroutine, so such a run keeps its
// goroutine (and, if it spins, a core) until its code returns. The worker
// must not start another copy of it: a task of a stuck run is held (not
// run, not answered) until the first copy finishes. And once Max runs are
// stuck, the worker takes no more workflow tasks at all until one
// finishes, leaving them to healthy workers.
type stuckRuns struct {
	max   int
	log   *slog.Logger
	gauge temporal.MetricsGauge

	mu    sync.Mutex
	runs  map[string]stuckRun // by run ID
	freed chan struct{}       // closed and replaced when a run finishes
}

type stuckRun struct {
	workflowID string
	coroutine  string
	since      time.Time
}

func newStuckRuns(max int, log *slog.Logger, metrics temporal.MetricsHandler) *stuckRuns {
	s := &stuckRuns{max: max, log: log, runs: map[string]stuckRun{}, freed: make(chan struct{})}
	if metrics != nil {
		s.gauge = metrics.Gauge(StuckGaugeName)
	}
	return s
}

// add records that run runID is stuck in coroutine; finished is closed when
// its code returns at last.
func (s *stuckRuns) add(workflowID, runID, coroutine string, finished <-chan struct{}) {
	s.mu.Lock()
	s.runs[runID] = stuckRun{workflowID: workflowID, coroutine: coroutine, since: time.Now()}
	n := len(s.runs)
	s.mu.Unlock()
	s.report(n)
	s.log.Error("workflow code is stuck: its coroutine keeps running on this worker, and its later tasks are held here until it returns",
		"workflow_id", workflowID, "run_id", runID, "coroutine", coroutine, "stuck_workflows", n, "max_stuck_workflows", s.max)
	if s.max > 0 && n >= s.max {
		s.log.Error("too many stuck workflows: this worker takes no workflow tasks until one of them returns",
			"stuck_workflows", n, "max_stuck_workflows", s.max)
	}
	go func() {
		<-finished
		s.mu.Lock()
		r := s.runs[runID]
		delete(s.runs, runID)
		n := len(s.runs)
		close(s.freed)
		s.freed = make(chan struct{})
		s.mu.Unlock()
		s.report(n)
		s.log.Warn("stuck workflow code returned at last", "workflow_id", workflowID, "run_id", runID,
			"stuck_for", time.Since(r.since).Round(time.Millisecond), "stuck_workflows", n)
	}()
}

func (s *stuckRuns) report(n int) {
	if s.gauge != nil {
		s.gauge.Update(float64(n))
	}
}

// held reports whether run runID is stuck, and since when.
func (s *stuckRuns) held(runID string) (stuckRun, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[runID]
	return r, ok
}

// count returns the number of stuck runs.
func (s *stuckRuns) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.runs)
}

// full reports whether the cap is reached, and a channel closed when a
// stuck run finishes.
func (s *stuckRuns) full() (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max > 0 && len(s.runs) >= s.max, s.freed
}
