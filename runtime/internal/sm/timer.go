package sm

import (
	"time"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// timerState is the state of a Timer.
type timerState int

const (
	timerCreated      timerState = iota // StartTimer issued, not sent
	timerSent                           // sent, waiting for TimerStarted
	timerRunning                        // TimerStarted recorded
	timerDoneFired                      // TimerFired: resolved with canceled=false
	timerDoneCanceled                   // Cancel: resolved with canceled=true
)

func (s timerState) String() string {
	return name(int(s), "created", "sent", "started", "fired", "canceled")
}

var (
	evTimerStarted = on(enumspb.EVENT_TYPE_TIMER_STARTED)
	evTimerFired   = on(enumspb.EVENT_TYPE_TIMER_FIRED)
)

// timerTable is the lifecycle of a timer. A timer cancelled after its
// command was sent but before TimerStarted still takes its TimerStarted
// (and a TimerFired that beat the CancelTimer); cancelled after
// TimerStarted it is forgotten, so later events for it find no machine.
var timerTable = newTable("timer", "a timer event",
	one(timerCreated, callSent, timerSent),
	one(timerSent, evTimerStarted, timerRunning),
	one(timerRunning, evTimerFired, timerDoneFired),
	moves([]timerState{timerCreated, timerSent, timerRunning}, []trigger{callCancel}, timerDoneCanceled),
	stays([]timerState{timerDoneCanceled}, []trigger{evTimerStarted, evTimerFired}),
	stays([]timerState{timerDoneFired, timerDoneCanceled}, []trigger{callCancel}),
)

// timerCancelTable is the lifecycle of a CancelTimer command.
var timerCancelTable = recordTable("timer cancel", "an event for a timer cancellation", enumspb.EVENT_TYPE_TIMER_CANCELED)

// Timer is the state machine of one durable timer.
type Timer struct {
	ms      *Machines
	id      string
	entry   *entry
	state   timerState
	onFire  func(canceled bool)
	startID int64
}

// StartTimer issues a StartTimer command with the next id of the "timer"
// sequence. onFire is called once: with false when the timer fires, with
// true when it is cancelled.
func (ms *Machines) StartTimer(d time.Duration, onFire func(canceled bool)) *Timer {
	t := &Timer{ms: ms, id: ms.nextID("timer"), onFire: onFire}
	t.entry = ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_START_TIMER,
		Attributes: &commandpb.Command_StartTimerCommandAttributes{StartTimerCommandAttributes: &commandpb.StartTimerCommandAttributes{
			TimerId:            t.id,
			StartToFireTimeout: durationpb.New(d),
		}},
	}, t)
	return t
}

// ID returns the timer id.
func (t *Timer) ID() string { return t.id }

// Resolved reports whether the timer fired or was cancelled.
func (t *Timer) Resolved() bool { return t.state == timerDoneFired || t.state == timerDoneCanceled }

// Cancel cancels the timer. A timer whose command was not sent yet is
// dropped; otherwise a CancelTimer command is issued. Either way the timer
// resolves as cancelled at once. It is a no-op once the timer resolved.
func (t *Timer) Cancel() {
	was := t.state
	timerTable.fire(t.ms, &t.state, callCancel)
	switch was {
	case timerDoneFired, timerDoneCanceled:
		return
	case timerCreated:
		t.ms.drop(t.entry)
	default:
		t.ms.pushRecord(timerCancelTable, &commandpb.Command{
			CommandType: enumspb.COMMAND_TYPE_CANCEL_TIMER,
			Attributes: &commandpb.Command_CancelTimerCommandAttributes{CancelTimerCommandAttributes: &commandpb.CancelTimerCommandAttributes{
				TimerId: t.id,
			}},
		}, nil)
		delete(t.ms.byEvent, t.startID)
	}
	t.onFire(true)
}

func (t *Timer) sent() { timerTable.fire(t.ms, &t.state, callSent) }

func (t *Timer) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	t.startID = e.EventId
	return timerTable.take(t.ms, &t.state, e)
}

func (t *Timer) event(e *historypb.HistoryEvent) error {
	if id := e.GetTimerFiredEventAttributes().GetTimerId(); e.EventType == enumspb.EVENT_TYPE_TIMER_FIRED && id != t.id {
		return unexpected(e, "TimerFired(timerId="+t.id+")")
	}
	was := t.state
	if err := timerTable.take(t.ms, &t.state, e); err != nil {
		return err
	}
	delete(t.ms.byEvent, t.startID)
	if was == timerRunning {
		t.onFire(false)
	}
	return nil
}
