package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// ActivityCancellationType says what cancelling an activity waits for.
type ActivityCancellationType int

const (
	// TryCancel requests cancellation and resolves at once as cancelled.
	TryCancel ActivityCancellationType = iota
	// WaitCancellationCompleted requests cancellation and resolves when
	// the activity reports how it ended.
	WaitCancellationCompleted
	// Abandon resolves at once as cancelled without telling the server.
	Abandon
)

// Outcome is how a command ended: a result or a failure.
type Outcome struct {
	Result  *commonpb.Payloads
	Failure *failurepb.Failure
}

// activityState is the state of an Activity.
type activityState int

const (
	activityCreated         activityState = iota // ScheduleActivityTask issued, not sent
	activitySent                                 // sent, waiting for ActivityTaskScheduled
	activityScheduled                            // ActivityTaskScheduled recorded
	activityStarted                              // ActivityTaskStarted recorded
	activityCancelRequested                      // Cancel(WaitCancellationCompleted): waiting for the activity to end
	activityCanceled                             // resolved as cancelled (TryCancel, Abandon); history still open
	activityDone                                 // resolved, and history closed it (or it was dropped)
)

func (s activityState) String() string {
	return name(int(s), "created", "sent", "scheduled", "started", "cancel requested", "canceled", "done")
}

var (
	activityCancels = []trigger{callCancelTry, callCancelWait, callAbandon}
	evActStarted    = on(enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED)
	activityClosing = ons(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
	activityOpen = []activityState{activityScheduled, activityStarted, activityCancelRequested, activityCanceled}
)

// activityTable is the lifecycle of an activity. Until ActivityTaskScheduled
// a Cancel drops the command, whatever the cancellation type. Every open
// state takes ActivityTaskStarted and each closing event; a closing event
// after the activity resolved as cancelled is absorbed.
var activityTable = newTable("activity", "an activity event",
	one(activityCreated, callSent, activitySent),
	moves([]activityState{activityCreated, activitySent}, activityCancels, activityDone),
	one(activitySent, on(enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), activityScheduled),
	moves([]activityState{activityScheduled, activityStarted}, []trigger{evActStarted}, activityStarted),
	stays([]activityState{activityCancelRequested, activityCanceled}, []trigger{evActStarted}),
	moves(activityOpen, activityClosing, activityDone),
	moves([]activityState{activityScheduled, activityStarted}, []trigger{callCancelWait}, activityCancelRequested),
	moves([]activityState{activityScheduled, activityStarted}, []trigger{callCancelTry, callAbandon}, activityCanceled),
	stays([]activityState{activityCancelRequested}, []trigger{callCancelWait}),
	stays([]activityState{activityCanceled}, []trigger{callCancelTry, callAbandon}),
	stays([]activityState{activityDone}, activityCancels),
)

// activityCancelTable is the lifecycle of a RequestCancelActivityTask
// command.
var activityCancelTable = recordTable("activity cancel request", "an event for an activity cancel request",
	enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)

// Activity is the state machine of one scheduled activity.
type Activity struct {
	ms          *Machines
	attrs       *commandpb.ScheduleActivityTaskCommandAttributes
	cancelType  ActivityCancellationType
	entry       *entry
	state       activityState
	scheduledID int64
	startedID   int64
	identity    string
	onResolve   func(Outcome)
}

// ScheduleActivity issues a ScheduleActivityTask command. An empty activity
// id is replaced by the next number of the "activity" sequence. onResolve
// is called once, with the result or the failure (wrapped in an
// ActivityFailureInfo, cause holding the activity's own failure).
func (ms *Machines) ScheduleActivity(attrs *commandpb.ScheduleActivityTaskCommandAttributes, cancelType ActivityCancellationType, onResolve func(Outcome)) *Activity {
	seq := ms.nextID("activity")
	if attrs.ActivityId == "" {
		attrs.ActivityId = seq
	}
	a := &Activity{ms: ms, attrs: attrs, cancelType: cancelType, onResolve: onResolve}
	a.entry = ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
		Attributes:  &commandpb.Command_ScheduleActivityTaskCommandAttributes{ScheduleActivityTaskCommandAttributes: attrs},
	}, a)
	return a
}

// ID returns the activity id.
func (a *Activity) ID() string { return a.attrs.ActivityId }

// Resolved reports whether the callback has been called.
func (a *Activity) Resolved() bool { return a.state.resolved() }

func (s activityState) resolved() bool { return s == activityCanceled || s == activityDone }

// cancelTrigger maps the cancellation type to the trigger of Cancel; an
// unknown type waits, as WaitCancellationCompleted does.
func (a *Activity) cancelTrigger() trigger {
	switch a.cancelType {
	case TryCancel:
		return callCancelTry
	case Abandon:
		return callAbandon
	}
	return callCancelWait
}

// Cancel cancels the activity according to its cancellation type. It is a
// no-op once the activity has resolved.
func (a *Activity) Cancel() {
	was := a.state
	activityTable.fire(a.ms, &a.state, a.cancelTrigger())
	switch was {
	case activityCreated, activitySent:
		// Not recorded yet: the command is dropped, whatever the type.
		a.ms.drop(a.entry)
		a.onResolve(Outcome{Failure: a.canceledFailure(nil)})
	case activityScheduled, activityStarted:
		if a.cancelType != Abandon {
			a.ms.pushRecord(activityCancelTable, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,
				Attributes: &commandpb.Command_RequestCancelActivityTaskCommandAttributes{
					RequestCancelActivityTaskCommandAttributes: &commandpb.RequestCancelActivityTaskCommandAttributes{ScheduledEventId: a.scheduledID},
				},
			}, nil)
		}
		if a.state == activityCanceled {
			a.onResolve(Outcome{Failure: a.canceledFailure(nil)})
		}
	}
}

func (a *Activity) sent() { activityTable.fire(a.ms, &a.state, callSent) }

func (a *Activity) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	a.scheduledID = e.EventId
	return activityTable.take(a.ms, &a.state, e)
}

func (a *Activity) event(e *historypb.HistoryEvent) error {
	was := a.state
	if err := activityTable.take(a.ms, &a.state, e); err != nil {
		return err
	}
	var o Outcome
	switch e.EventType {
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
		a.startedID = e.EventId
		a.identity = e.GetActivityTaskStartedEventAttributes().GetIdentity()
		return nil
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		o.Result = e.GetActivityTaskCompletedEventAttributes().GetResult()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		at := e.GetActivityTaskFailedEventAttributes()
		a.identity = at.GetIdentity()
		o.Failure = a.wrap(at.GetFailure(), at.GetRetryState())
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		at := e.GetActivityTaskTimedOutEventAttributes()
		o.Failure = a.wrap(at.GetFailure(), at.GetRetryState())
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
		o.Failure = a.canceledFailure(e.GetActivityTaskCanceledEventAttributes().GetDetails())
	}
	if !was.resolved() {
		a.onResolve(o)
	}
	delete(a.ms.byEvent, a.scheduledID)
	return nil
}

func (a *Activity) wrap(cause *failurepb.Failure, rs enumspb.RetryState) *failurepb.Failure {
	return &failurepb.Failure{
		Message: "activity error",
		Source:  cause.GetSource(),
		Cause:   cause,
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ScheduledEventId: a.scheduledID,
			StartedEventId:   a.startedID,
			Identity:         a.identity,
			ActivityType:     a.attrs.ActivityType,
			ActivityId:       a.attrs.ActivityId,
			RetryState:       rs,
		}},
	}
}

func (a *Activity) canceledFailure(details *commonpb.Payloads) *failurepb.Failure {
	return a.wrap(&failurepb.Failure{
		Message:     "activity canceled",
		FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{Details: details}},
	}, enumspb.RETRY_STATE_CANCEL_REQUESTED)
}
