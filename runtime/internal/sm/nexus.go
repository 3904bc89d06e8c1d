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

// Nexus is the state machine of one Nexus operation.
type Nexus struct {
	ms          *Machines
	attrs       *commandpb.ScheduleNexusOperationCommandAttributes
	cancelType  NexusCancellationType
	entry       *entry
	scheduledID int64
	token       string
	startDone   bool
	resolved    bool
	cancelSent  bool
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

func (n *Nexus) start(token string, sync bool) {
	if !n.startDone {
		n.startDone = true
		n.onStart(token, sync)
	}
}

func (n *Nexus) resolve(o NexusOutcome) {
	n.start("", true)
	if !n.resolved {
		n.resolved = true
		n.onResolve(o)
	}
}

// Cancel cancels the operation according to its cancellation type.
func (n *Nexus) Cancel() {
	if n.resolved || n.cancelSent {
		return
	}
	if !n.entry.sent {
		n.ms.drop(n.entry)
		n.resolve(NexusOutcome{Failure: canceledFailure(nil)})
		return
	}
	if n.cancelType != NexusAbandon {
		n.cancelSent = true
		n.ms.push(&commandpb.Command{
			CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION,
			Attributes: &commandpb.Command_RequestCancelNexusOperationCommandAttributes{
				RequestCancelNexusOperationCommandAttributes: &commandpb.RequestCancelNexusOperationCommandAttributes{ScheduledEventId: n.scheduledID},
			},
		}, final{})
	}
	if n.cancelType == NexusAbandon || n.cancelType == NexusTryCancel {
		n.resolve(NexusOutcome{Failure: canceledFailure(nil)})
	}
}

func (n *Nexus) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	n.scheduledID = e.EventId
	return nil
}

func (n *Nexus) event(e *historypb.HistoryEvent) error {
	switch e.EventType {
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED:
		a := e.GetNexusOperationStartedEventAttributes()
		n.token = a.GetOperationToken()
		if n.token == "" {
			n.token = a.GetOperationId()
		}
		n.start(n.token, false)
		return nil
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED:
		if n.cancelType == NexusWaitRequested {
			n.resolve(NexusOutcome{Failure: canceledFailure(nil)})
		}
		return nil
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED:
		return nil
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED:
		n.resolve(NexusOutcome{Result: e.GetNexusOperationCompletedEventAttributes().GetResult()})
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED:
		n.resolve(NexusOutcome{Failure: e.GetNexusOperationFailedEventAttributes().GetFailure()})
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCELED:
		n.resolve(NexusOutcome{Failure: e.GetNexusOperationCanceledEventAttributes().GetFailure()})
	case enumspb.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT:
		n.resolve(NexusOutcome{Failure: e.GetNexusOperationTimedOutEventAttributes().GetFailure()})
	default:
		return unexpected(e, "a Nexus operation event")
	}
	delete(n.ms.byEvent, n.scheduledID)
	return nil
}
