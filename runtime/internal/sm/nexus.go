package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// NexusCancellationType says what cancelling a Nexus operation waits for.
type NexusCancellationType int

const (
	// NexusWaitCompleted requests cancellation and resolves when the
	// operation ends (the default).
	NexusWaitCompleted NexusCancellationType = iota
	// NexusTryCancel requests cancellation and resolves at once.
	NexusTryCancel
	// NexusWaitRequested requests cancellation and resolves once the
	// handler accepted the request.
	NexusWaitRequested
	// NexusAbandon resolves at once without telling the handler.
	NexusAbandon
)

// NexusOutcome is how a Nexus operation ended.
type NexusOutcome struct {
	Result  *commonpb.Payload
	Failure *failurepb.Failure
}

// nexusState is the state of a Nexus operation.
type nexusState int

const (
	nexusCreated             nexusState = iota // ScheduleNexusOperation issued, not sent
	nexusSent                                  // sent, waiting for NexusOperationScheduled
	nexusScheduled                             // scheduled, not started
	nexusStarted                               // started asynchronously; onStart called
	nexusCancelWaitScheduled                   // cancel requested, waiting; not started
	nexusCancelWaitStarted                     // cancel requested, waiting; started
	nexusCanceled                              // resolved as cancelled; history still open
	nexusDone                                  // resolved, and history closed it (or it was dropped)
)

func (s nexusState) String() string {
	return name(int(s), "created", "sent", "scheduled", "started", "cancel wait (scheduled)", "cancel wait (started)",
		"canceled", "done")
}

func (s nexusState) resolved() bool { return s == nexusCanceled || s == nexusDone }

// startReported reports whether onStart has been called: a resolved
// operation reports its start (as synchronous) before it resolves.
func (s nexusState) startReported() bool {
	return s == nexusStarted || s == nexusCancelWaitStarted || s.resolved()
}

var (
	evNexusScheduled = on(enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
	evNexusStarted   = on(enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED)
	nexusCancelReply = ons(enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED,
		enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED)
	nexusClosing = ons(enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED, enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED,
		enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCELED, enumspb.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT)
	nexusOpen = []nexusState{nexusScheduled, nexusStarted, nexusCancelWaitScheduled, nexusCancelWaitStarted, nexusCanceled}
)

// nexusTable is the lifecycle of a Nexus operation. Until the command is
// sent a Cancel drops it; after that, Abandon and TryCancel resolve at once
// and the others wait. Every open state takes Started, the replies to a
// cancel request and every closing event. For NexusWaitRequested, a
// NexusOperationCancelRequestCompleted is "cancel delivered", which
// resolves the operation as cancelled.
var nexusTable = newTable("nexus operation", "a Nexus operation event",
	one(nexusCreated, callSent, nexusSent),
	moves([]nexusState{nexusCreated}, allCancels, nexusDone),
	one(nexusSent, evNexusScheduled, nexusScheduled),
	stays([]nexusState{nexusCanceled, nexusCancelWaitScheduled}, []trigger{evNexusScheduled}),
	moves([]nexusState{nexusScheduled, nexusStarted}, []trigger{evNexusStarted}, nexusStarted),
	one(nexusCancelWaitScheduled, evNexusStarted, nexusCancelWaitStarted),
	stays([]nexusState{nexusCancelWaitStarted, nexusCanceled}, []trigger{evNexusStarted}),
	stays(nexusOpen, nexusCancelReply),
	moves(nexusOpen, nexusClosing, nexusDone),
	moves([]nexusState{nexusSent, nexusScheduled, nexusStarted}, earlyCancels, nexusCanceled),
	moves([]nexusState{nexusSent, nexusScheduled}, waitingCancels, nexusCancelWaitScheduled),
	moves([]nexusState{nexusStarted}, waitingCancels, nexusCancelWaitStarted),
	stays([]nexusState{nexusCancelWaitScheduled, nexusCancelWaitStarted}, waitingCancels),
	stays([]nexusState{nexusCanceled}, []trigger{callAbandon, callCancelTry, callCancelWaitRequested}),
	stays([]nexusState{nexusDone}, allCancels),
	moves(nexusOpen, []trigger{callCancelDelivered}, nexusCanceled),
)

// nexusCancelTable is the lifecycle of a RequestCancelNexusOperation
// command.
var nexusCancelTable = recordTable("nexus cancel request", noFurtherEvents, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED)

// Nexus is the state machine of one Nexus operation.
type Nexus struct {
	ms          *Machines
	attrs       *commandpb.ScheduleNexusOperationCommandAttributes
	cancelType  NexusCancellationType
	entry       *entry
	state       nexusState
	scheduledID int64
	token       string
	onStart     func(token string, sync bool)
	onResolve   func(NexusOutcome)
}

// ScheduleNexusOperation issues a ScheduleNexusOperation command. onStart
// is called once with the operation token when the operation started
// asynchronously (or with sync=true when it completed at once); onResolve
// once with its result or failure.
func (ms *Machines) ScheduleNexusOperation(attrs *commandpb.ScheduleNexusOperationCommandAttributes, cancelType NexusCancellationType, onStart func(token string, sync bool), onResolve func(NexusOutcome)) *Nexus {
	ms.NextSeq("nexus_operation")
	n := &Nexus{ms: ms, attrs: attrs, cancelType: cancelType, onStart: onStart, onResolve: onResolve}
	n.entry = ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION,
		Attributes:  &commandpb.Command_ScheduleNexusOperationCommandAttributes{ScheduleNexusOperationCommandAttributes: attrs},
	}, n)
	return n
}

// cancelTrigger maps the cancellation type to the trigger of Cancel; an
// unknown type waits, as NexusWaitCompleted does.
func (n *Nexus) cancelTrigger() trigger {
	switch n.cancelType {
	case NexusAbandon:
		return callAbandon
	case NexusTryCancel:
		return callCancelTry
	case NexusWaitRequested:
		return callCancelWaitRequested
	}
	return callCancelWait
}

// settle makes the callbacks owed by a move from state was that resolved
// the operation with o.
func (n *Nexus) settle(was nexusState, o NexusOutcome) {
	if !was.startReported() {
		n.onStart("", true)
	}
	if !was.resolved() {
		n.onResolve(o)
	}
}

// Cancel cancels the operation according to its cancellation type.
func (n *Nexus) Cancel() {
	was := n.state
	nexusTable.fire(n.ms, &n.state, n.cancelTrigger())
	switch was {
	case nexusCreated:
		n.ms.drop(n.entry)
		n.settle(was, NexusOutcome{Failure: canceledFailure(nil)})
		return
	case nexusSent, nexusScheduled, nexusStarted:
	default:
		return
	}
	if n.cancelType != NexusAbandon {
		n.ms.pushRecord(nexusCancelTable, &commandpb.Command{
			CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION,
			Attributes: &commandpb.Command_RequestCancelNexusOperationCommandAttributes{
				RequestCancelNexusOperationCommandAttributes: &commandpb.RequestCancelNexusOperationCommandAttributes{ScheduledEventId: n.scheduledID},
			},
		}, nil)
	}
	if n.state.resolved() {
		n.settle(was, NexusOutcome{Failure: canceledFailure(nil)})
	}
}

func (n *Nexus) sent() { nexusTable.fire(n.ms, &n.state, callSent) }

func (n *Nexus) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	n.scheduledID = e.EventId
	return nexusTable.take(n.ms, &n.state, e)
}

func (n *Nexus) event(e *historypb.HistoryEvent) error {
	was := n.state
	if err := nexusTable.take(n.ms, &n.state, e); err != nil {
		return err
	}
	var o NexusOutcome
	switch e.EventType {
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED:
		a := e.GetNexusOperationStartedEventAttributes()
		n.token = a.GetOperationToken()
		if n.token == "" {
			n.token = a.GetOperationId()
		}
		if !was.startReported() {
			n.onStart(n.token, false)
		}
		return nil
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED:
		if n.cancelType == NexusWaitRequested {
			was = n.state
			nexusTable.fire(n.ms, &n.state, callCancelDelivered)
			n.settle(was, NexusOutcome{Failure: canceledFailure(nil)})
		}
		return nil
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED:
		return nil
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED:
		o.Result = e.GetNexusOperationCompletedEventAttributes().GetResult()
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED:
		o.Failure = e.GetNexusOperationFailedEventAttributes().GetFailure()
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCELED:
		o.Failure = e.GetNexusOperationCanceledEventAttributes().GetFailure()
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT:
		o.Failure = e.GetNexusOperationTimedOutEventAttributes().GetFailure()
	}
	n.settle(was, o)
	delete(n.ms.byEvent, n.scheduledID)
	return nil
}
