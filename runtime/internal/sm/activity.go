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

type activityState int

const (
	activityCreated activityState = iota
	activityScheduled
	activityStarted
	activityCancelRequested
	activityDone
)

// Activity is the state machine of one scheduled activity.
type Activity struct {
	ms          *Machines
	attrs       *commandpb.ScheduleActivityTaskCommandAttributes
	cancelType  ActivityCancellationType
	entry       *entry
	state       activityState
	resolved    bool
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
func (a *Activity) Resolved() bool { return a.resolved }

func (a *Activity) resolve(o Outcome) {
	if a.resolved {
		return
	}
	a.resolved = true
	a.onResolve(o)
}

// Cancel cancels the activity according to its cancellation type. It is a
// no-op once the activity has resolved.
func (a *Activity) Cancel() {
	if a.resolved || a.state == activityCancelRequested || a.state == activityDone {
		return
	}
	if a.state == activityCreated {
		// Not sent yet: the command is dropped, whatever the type.
		a.ms.drop(a.entry)
		a.state = activityDone
		a.resolve(Outcome{Failure: a.canceledFailure(nil)})
		return
	}
	if a.cancelType == Abandon {
		a.resolve(Outcome{Failure: a.canceledFailure(nil)})
		return
	}
	a.state = activityCancelRequested
	a.ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,
		Attributes: &commandpb.Command_RequestCancelActivityTaskCommandAttributes{
			RequestCancelActivityTaskCommandAttributes: &commandpb.RequestCancelActivityTaskCommandAttributes{ScheduledEventId: a.scheduledID},
		},
	}, cancelRequest{a})
	if a.cancelType == TryCancel {
		a.resolve(Outcome{Failure: a.canceledFailure(nil)})
	}
}

// cancelRequest is the machine of a RequestCancelActivityTask command.
type cancelRequest struct{ a *Activity }

func (c cancelRequest) commandEvent(*commandpb.Command, *historypb.HistoryEvent) error { return nil }
func (c cancelRequest) event(e *historypb.HistoryEvent) error {
	return unexpected(e, "an event for an activity cancel request")
}

func (a *Activity) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	a.scheduledID = e.EventId
	if a.state == activityCreated {
		a.state = activityScheduled
	}
	return nil
}

func (a *Activity) event(e *historypb.HistoryEvent) error {
	switch e.EventType {
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
		a.startedID = e.EventId
		a.identity = e.GetActivityTaskStartedEventAttributes().GetIdentity()
		if a.state == activityScheduled {
			a.state = activityStarted
		}
		return nil
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		a.state = activityDone
		a.resolve(Outcome{Result: e.GetActivityTaskCompletedEventAttributes().GetResult()})
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		at := e.GetActivityTaskFailedEventAttributes()
		a.state = activityDone
		a.identity = at.GetIdentity()
		a.resolve(Outcome{Failure: a.wrap(at.GetFailure(), at.GetRetryState())})
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		at := e.GetActivityTaskTimedOutEventAttributes()
		a.state = activityDone
		a.resolve(Outcome{Failure: a.wrap(at.GetFailure(), at.GetRetryState())})
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
		a.state = activityDone
		a.resolve(Outcome{Failure: a.canceledFailure(e.GetActivityTaskCanceledEventAttributes().GetDetails())})
	default:
		return unexpected(e, "an activity event")
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
