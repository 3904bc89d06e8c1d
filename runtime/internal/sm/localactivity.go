package sm

// localState is the state of a LocalActivity.
type localState int

const (
	localScheduled  localState = iota // requested by workflow code, not handed out
	localRunning                      // handed to this worker: its result will come
	localRanBefore                    // replaying: the original execution had handed it out
	localBackingOff                   // failed with a retry past the threshold: a timer runs, then a new attempt
	localResolved                     // its result (or failure) is recorded
	localCancelled                    // resolved as cancelled
)

func (s localState) String() string {
	return name(int(s), "scheduled", "running", "ran before", "backing off", "resolved", "cancelled")
}

var (
	localPending = []localState{localScheduled, localRunning, localRanBefore}
	localDone    = []localState{localBackingOff, localResolved, localCancelled}
	cancels      = []trigger{callCancelTry, callCancelWait, callAbandon}
)

// localActivityTable is the lifecycle of one local activity attempt series
// (a durable backoff ends it; the next attempt is a new machine). Its
// result arrives from the worker or, replaying, from a marker ahead in
// history; the marker itself is a record-only command (localMarkerTable).
// Cancellation with WaitCancellationCompleted waits for the result of an
// activity that was handed out; every other cancellation resolves at once.
var localActivityTable = newTable("local activity", "a local activity event",
	one(localScheduled, callHand, localRunning),
	one(localRanBefore, callHand, localRunning),
	one(localScheduled, callHandedBefore, localRanBefore),
	moves(localPending, []trigger{callResolve}, localResolved),
	moves(localPending, []trigger{callBackoff}, localBackingOff),
	moves([]localState{localScheduled}, cancels, localCancelled),
	moves([]localState{localRunning, localRanBefore}, []trigger{callCancelTry, callAbandon}, localCancelled),
	stays([]localState{localRunning, localRanBefore}, []trigger{callCancelWait}),
	stays(localDone, cancels),
	stays([]localState{localCancelled}, []trigger{callResolve, callBackoff}),
)

// LocalActivity is the state machine of a local activity: where it is
// between the workflow code that asked for it, the worker that runs it,
// and the marker that records its result.
type LocalActivity struct {
	ms         *Machines
	cancelType ActivityCancellationType
	state      localState
}

// LocalActivity returns the machine of a new local activity.
func (ms *Machines) LocalActivity(cancelType ActivityCancellationType) *LocalActivity {
	return &LocalActivity{ms: ms, cancelType: cancelType}
}

// State returns the machine's state, for diagnostics.
func (l *LocalActivity) State() string { return l.state.String() }

// ToHand reports whether the activity waits to be handed to the worker.
func (l *LocalActivity) ToHand() bool { return l.state == localScheduled || l.state == localRanBefore }

// Hand records that the activity was handed to the worker.
func (l *LocalActivity) Hand() { localActivityTable.fire(l.ms, &l.state, callHand) }

// HandedBefore records, at the end of a replayed workflow task, that the
// original execution had handed the still pending activity out.
func (l *LocalActivity) HandedBefore() {
	if l.state == localScheduled {
		localActivityTable.fire(l.ms, &l.state, callHandedBefore)
	}
}

// Running reports whether the worker runs it and its result is due.
func (l *LocalActivity) Running() bool { return l.state == localRunning }

// Resolve records a result; backoff says it asks for a durable timer
// before the next attempt. It reports false when the activity had already
// been resolved as cancelled: the result is dropped.
func (l *LocalActivity) Resolve(backoff bool) bool {
	was := l.state
	t := callResolve
	if backoff {
		t = callBackoff
	}
	localActivityTable.fire(l.ms, &l.state, t)
	return was != localCancelled
}

// Cancel applies a cancellation: now says the activity resolves as
// cancelled at once, tellWorker that the worker must cancel the attempt
// it runs.
func (l *LocalActivity) Cancel() (now, tellWorker bool) {
	was := l.state
	t := callCancelTry
	switch l.cancelType {
	case WaitCancellationCompleted:
		t = callCancelWait
	case Abandon:
		t = callAbandon
	}
	localActivityTable.fire(l.ms, &l.state, t)
	if was == localBackingOff || was == localResolved || was == localCancelled {
		return false, false
	}
	return l.state == localCancelled, was == localRunning && l.cancelType != Abandon
}
