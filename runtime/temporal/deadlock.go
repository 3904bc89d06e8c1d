package temporal

import (
	"fmt"
	"time"
)

// DeadlockError reports that a workflow coroutine ran longer than the
// worker's deadlock timeout without yielding (blocking on a future, a
// timer, a channel or Await). The workflow task fails with it and is
// retried; the stuck coroutine keeps its goroutine until the code returns,
// and the run is never used again. Its message carries the stable code
// [TMPRL1101].
type DeadlockError struct {
	WorkflowID string // set by the worker when known
	RunID      string
	Coroutine  string        // the coroutine that did not yield, e.g. "root"
	Timeout    time.Duration // the worker's deadlock timeout
	Stack      string        // the coroutine's stack when it was found stuck
}

func (e *DeadlockError) Error() string {
	where := ""
	if e.WorkflowID != "" {
		where = fmt.Sprintf(" (workflow %s, run %s)", e.WorkflowID, e.RunID)
	}
	return fmt.Sprintf("[TMPRL1101] potential deadlock detected%s: workflow coroutine %q did not yield for over %s", where, e.Coroutine, e.Timeout)
}
