package sm

import (
	"time"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Timer is the state machine of one durable timer.
type Timer struct {
	ms       *Machines
	id       string
	entry    *entry
	sent     bool
	started  bool
	resolved bool
	onFire   func(canceled bool)
	startID  int64
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
func (t *Timer) Resolved() bool { return t.resolved }

func (t *Timer) resolve(canceled bool) {
	if t.resolved {
		return
	}
	t.resolved = true
	t.onFire(canceled)
}

// Cancel cancels the timer. A timer whose command was not sent yet is
// dropped; otherwise a CancelTimer command is issued. Either way the timer
// resolves as cancelled at once. It is a no-op once the timer resolved.
func (t *Timer) Cancel() {
	if t.resolved {
		return
	}
	if !t.entry.sent {
		t.ms.drop(t.entry)
	} else {
		t.ms.push(&commandpb.Command{
			CommandType: enumspb.COMMAND_TYPE_CANCEL_TIMER,
			Attributes: &commandpb.Command_CancelTimerCommandAttributes{CancelTimerCommandAttributes: &commandpb.CancelTimerCommandAttributes{
				TimerId: t.id,
			}},
		}, timerCancel{t})
		delete(t.ms.byEvent, t.startID)
	}
	t.resolve(true)
}

type timerCancel struct{ t *Timer }

func (c timerCancel) commandEvent(*commandpb.Command, *historypb.HistoryEvent) error { return nil }
func (c timerCancel) event(e *historypb.HistoryEvent) error {
	return unexpected(e, "an event for a timer cancellation")
}

func (t *Timer) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	t.started = true
	t.startID = e.EventId
	return nil
}

func (t *Timer) event(e *historypb.HistoryEvent) error {
	if e.EventType != enumspb.EVENT_TYPE_TIMER_FIRED {
		return unexpected(e, "a timer event")
	}
	if id := e.GetTimerFiredEventAttributes().GetTimerId(); id != t.id {
		return unexpected(e, "TimerFired(timerId="+t.id+")")
	}
	delete(t.ms.byEvent, t.startID)
	t.resolve(false)
	return nil
}
