package sm

import (
	"fmt"
	"strconv"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// trigger is what moves a machine from one state to the next: a history
// event (its event type, a positive number) or a call from workflow code
// or from Machines itself (a negative number).
type trigger int32

const (
	// callSent: TakeCommands handed the command to the caller.
	callSent trigger = -(iota + 1)
	// callCancel: Cancel, for machines with one way to cancel.
	callCancel
	// callCancelTry: Cancel with TryCancel / ChildTryCancel / NexusTryCancel.
	callCancelTry
	// callCancelWait: Cancel that waits for the command to end
	// (WaitCancellationCompleted, ChildWaitCancellationCompleted,
	// NexusWaitCompleted, or an unknown cancellation type).
	callCancelWait
	// callCancelWaitRequested: Cancel that waits until the cancel request
	// reached the target (ChildWaitCancellationRequested, NexusWaitRequested).
	callCancelWaitRequested
	// callAbandon: Cancel with Abandon / ChildAbandon / NexusAbandon.
	callAbandon
	// callCancelDelivered: the cancel request of a WaitCancellationRequested
	// child or Nexus operation reached its target.
	callCancelDelivered
	// callSkipped: history moved on without the event of an optional
	// command.
	callSkipped
	// callValidate: an update's validator accepted it.
	callValidate
	// callAccept, callReject, callComplete: the update protocol's three
	// answers.
	callAccept
	callReject
	callComplete
	// callHand: a local activity was handed to the worker.
	callHand
	// callHandedBefore: a replayed workflow task ended with the local
	// activity pending, so the original execution had handed it out.
	callHandedBefore
	// callResolve: a local activity's result (or failure) was recorded.
	callResolve
	// callBackoff: a local activity's attempt failed with a retry past
	// the local retry threshold: a durable timer runs before the next.
	callBackoff
)

// on returns the trigger of history events of type t.
func on(t enumspb.EventType) trigger { return trigger(t) }

// ons returns the triggers of history events of the given types.
func ons(ts ...enumspb.EventType) []trigger {
	out := make([]trigger, len(ts))
	for i, t := range ts {
		out[i] = on(t)
	}
	return out
}

func (t trigger) String() string {
	if t >= 0 {
		return enumspb.EventType(t).String()
	}
	return name(int(-t-1), "sent", "Cancel", "Cancel(TryCancel)", "Cancel(WaitCancellationCompleted)",
		"Cancel(WaitCancellationRequested)", "Cancel(Abandon)", "cancel delivered", "skipped",
		"validated", "Accept", "Reject", "Complete", "handed", "handed before", "resolved", "backoff")
}

// name returns names[i], the name of the i-th value of an enumeration.
func name(i int, names ...string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return "(" + strconv.Itoa(i) + ")"
}

// state is the type of a machine's states.
type state interface {
	~int
	fmt.Stringer
}

// move is one declared transition.
type move[S state] struct {
	from S
	on   trigger
	to   S
}

// moves declares a transition from each state in from to to, on each
// trigger in ts.
func moves[S state](from []S, ts []trigger, to S) []move[S] {
	var out []move[S]
	for _, f := range from {
		for _, t := range ts {
			out = append(out, move[S]{f, t, to})
		}
	}
	return out
}

// stays declares that each trigger in ts leaves each state in in as it is.
func stays[S state](in []S, ts []trigger) []move[S] {
	var out []move[S]
	for _, s := range in {
		out = append(out, moves([]S{s}, ts, s)...)
	}
	return out
}

// one declares a single transition.
func one[S state](from S, t trigger, to S) []move[S] { return []move[S]{{from, t, to}} }

// Transition is one step of a machine, as reported to the function given
// to Machines.Observe.
type Transition struct {
	Machine string // the machine, e.g. "activity" or "timer"
	From    string // the state before
	Trigger string // a history event type, or a call such as "Cancel(TryCancel)"
	To      string // the state after
}

// table is the declared transition table of one kind of machine: every
// (state, trigger) pair the machine may take, and the state it leads to.
type table[S state] struct {
	machine string
	what    string // Actual of the error for an event the table does not take
	// next is dense, indexed by state and trigger (see slot): -1 where
	// the table declares no move. A lookup is an index, not a hash: the
	// tables run on every command and event of a replay.
	next   []int16
	states int
	order  []move[S]
}

// triggerSpan is the number of trigger values a table row holds: the
// calls (negative) and the history event types (up to eventTypeSpan).
const (
	callSpan      = 32
	eventTypeSpan = 96
	triggerSpan   = callSpan + eventTypeSpan
)

// slot is the index of (s, on) in next, or -1 if on is out of range.
func (t *table[S]) slot(s S, on trigger) int {
	i := int(on) + callSpan
	if i < 0 || i >= triggerSpan || int(s) < 0 || int(s) >= t.states {
		return -1
	}
	return int(s)*triggerSpan + i
}

// lookup returns the state (s, on) leads to.
func (t *table[S]) lookup(s S, on trigger) (S, bool) {
	i := t.slot(s, on)
	if i < 0 || t.next[i] < 0 {
		return s, false
	}
	return S(t.next[i]), true
}

// newTable builds the table of a machine from its declared moves. A pair
// declared twice is a bug in this package and panics.
func newTable[S state](machine, what string, groups ...[]move[S]) *table[S] {
	t := &table[S]{machine: machine, what: what}
	for _, g := range groups {
		for _, m := range g {
			t.states = max(t.states, int(m.from)+1, int(m.to)+1)
			t.order = append(t.order, m)
		}
	}
	t.next = make([]int16, t.states*triggerSpan)
	for i := range t.next {
		t.next[i] = -1
	}
	for _, m := range t.order {
		i := t.slot(m.from, m.on)
		switch {
		case i < 0:
			panic(fmt.Sprintf("sm: %s machine declares a move on %s, out of the table's range", machine, m.on))
		case t.next[i] >= 0:
			panic(fmt.Sprintf("sm: %s machine declares %s on %s twice", machine, m.from, m.on))
		}
		t.next[i] = int16(m.to)
	}
	return t
}

// fire moves *s on trigger on. A move the table does not declare is a bug
// in this package (the machine's own code tried it) and panics, naming the
// machine, the state and the trigger.
func (t *table[S]) fire(ms *Machines, s *S, on trigger) {
	to, ok := t.lookup(*s, on)
	if !ok {
		panic(fmt.Sprintf("sm: %s machine has no transition from state %s on %s", t.machine, *s, on))
	}
	if ms.observe != nil {
		ms.observe(Transition{Machine: t.machine, From: (*s).String(), Trigger: on.String(), To: to.String()})
	}
	*s = to
}

// take moves *s on history event e. An event the current state does not
// take is history disagreeing with the workflow code, not a bug: it is
// returned as a *temporal.NondeterminismError and *s is left as it is.
func (t *table[S]) take(ms *Machines, s *S, e *historypb.HistoryEvent) error {
	if _, ok := t.lookup(*s, on(e.EventType)); !ok {
		return unexpected(e, t.what)
	}
	t.fire(ms, s, on(e.EventType))
	return nil
}

// declared returns every transition of the table, in declaration order.
func (t *table[S]) declared() []Transition {
	out := make([]Transition, len(t.order))
	for i, m := range t.order {
		out[i] = Transition{Machine: t.machine, From: m.from.String(), Trigger: m.on.String(), To: m.to.String()}
	}
	return out
}

// Observe makes ms report every transition of its machines to fn; nil
// stops it. It is meant for tests and debugging: fn must not call back
// into ms.
func (ms *Machines) Observe(fn func(Transition)) { ms.observe = fn }

// declarer is a table of any state type.
type declarer interface{ declared() []Transition }

// tables returns the table of every kind of machine, for the test that
// every declared transition is exercised. A new machine adds its table
// here.
func tables() []declarer {
	return []declarer{
		activityTable, activityCancelTable,
		timerTable, timerCancelTable,
		childTable,
		signalExternalTable, cancelExternalTable,
		nexusTable, nexusCancelTable,
		markerTable, patchTable, changeVersionTable, localMarkerTable,
		upsertTable, modifyTable,
		protocolTable,
		completeTable, failTable, cancelWorkflowTable, continueAsNewTable,
		updateTable, localActivityTable,
	}
}
