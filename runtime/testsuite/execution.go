package testsuite

import (
	"errors"
	"fmt"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// taskTimeout is the workflow task timeout the environment records.
const taskTimeout = 10 * time.Second

// execution is one run of a workflow in the environment: its history, the
// engine run that executes it, and what the server tracks for it.
type execution struct {
	env        *Env
	id, runID  string
	wfType     string
	parent     *execution
	initiated  int64 // the parent's StartChildWorkflowExecutionInitiated event
	lookup     func(string) (*engine.Definition, bool)
	events     []*historypb.HistoryEvent
	applied    int // events[:applied] are in run
	run        *engine.Run
	oldRuns    []*engine.Run // replaced runs, closed at cleanup
	pending    bool          // run has not seen events[applied:] yet
	recording  bool          // adding the events of a task's commands
	updates    []*update     // requests for the next workflow task
	tasks      []taskRecord
	activities map[int64]*activity // by scheduled event id
	timers     map[string]timer    // by timer id
	children   map[int64]*execution
	closeEvent *historypb.HistoryEvent
	next       *execution // the run it continued as
	err        error      // a workflow task failed with it
	memo       map[string]*commonpb.Payload
	attrs      map[string]*commonpb.Payload
}

type timer struct {
	started int64
	item    *item
}

// taskRecord is what a workflow task was given and answered, for the
// replay check.
type taskRecord struct {
	started  int64
	messages []*protocolpb.Message
	locals   [][]engine.LocalActivityResult
	commands []*commandpb.Command
}

// startExecution records the start of a run and makes it due for its first
// workflow task.
func (e *Env) startExecution(id, wfType string, a *historypb.WorkflowExecutionStartedEventAttributes, parent *execution, initiated int64) *execution {
	runID := e.newRunID()
	x := &execution{env: e, id: id, runID: runID, wfType: wfType, parent: parent, initiated: initiated,
		activities: make(map[int64]*activity), timers: make(map[string]timer), children: make(map[int64]*execution),
		memo: make(map[string]*commonpb.Payload), attrs: make(map[string]*commonpb.Payload)}
	x.lookup = e.workflows.Lookup
	if m := e.workflowMocks[wfType]; m != nil && parent != nil {
		x.lookup = e.childMocks.Lookup
		if a.ContinuedExecutionRunId == "" {
			m.calls.Add(1)
		}
	}
	a.WorkflowType = &commonpb.WorkflowType{Name: wfType}
	if a.TaskQueue == nil {
		a.TaskQueue = &taskqueuepb.TaskQueue{Name: e.opts.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
	}
	if a.WorkflowTaskTimeout == nil {
		a.WorkflowTaskTimeout = durationpb.New(taskTimeout)
	}
	a.OriginalExecutionRunId, a.Attempt = runID, 1
	if a.FirstExecutionRunId == "" {
		a.FirstExecutionRunId = runID
	}
	if parent != nil {
		a.ParentWorkflowNamespace = e.opts.Namespace
		a.ParentWorkflowExecution = parent.execProto()
		a.ParentInitiatedEventId = initiated
	}
	for k, v := range a.GetMemo().GetFields() {
		x.memo[k] = v
	}
	for k, v := range a.GetSearchAttributes().GetIndexedFields() {
		x.attrs[k] = v
	}
	x.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, a)
	x.newRun()
	e.executions = append(e.executions, x)
	e.byID[id] = x
	return x
}

func (x *execution) newRun() {
	if x.run != nil {
		x.oldRuns = append(x.oldRuns, x.run)
	}
	x.run = x.env.engineRun(x.id, x.runID, x.lookup)
	x.applied = 0
}

func (e *Env) engineRun(id, runID string, lookup func(string) (*engine.Definition, bool)) *engine.Run {
	return engine.NewRun(engine.Config{
		Namespace: e.opts.Namespace, TaskQueue: e.opts.TaskQueue,
		DataConverter: e.opts.DataConverter, FailureConverter: e.opts.FailureConverter,
		Logger: e.opts.Logger, Lookup: lookup, Coroutines: e.coroutines, Attach: e.attach,
	}, id, runID)
}

func (e *Env) newRunID() string {
	id := e.peekRunID()
	e.runSeq++
	return id
}

// peekRunID is the run id the next run will get.
func (e *Env) peekRunID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", e.runSeq+1)
}

func (x *execution) closeRuns() {
	for _, r := range x.oldRuns {
		r.Close()
	}
	if x.run != nil {
		x.run.Close()
	}
}

func (x *execution) execProto() *commonpb.WorkflowExecution {
	return &commonpb.WorkflowExecution{WorkflowId: x.id, RunId: x.runID}
}

func (x *execution) open() bool { return x.closeEvent == nil && x.err == nil }

// add appends an event at the current virtual time and makes the run due
// for a workflow task.
func (x *execution) add(t enumspb.EventType, attrs proto.Message) *historypb.HistoryEvent {
	ev := &historypb.HistoryEvent{EventId: int64(len(x.events) + 1), EventType: t, EventTime: timestamppb.New(x.env.clock.now)}
	setAttributes(ev, attrs)
	x.events = append(x.events, ev)
	// The events of the commands a task completed with are the task's
	// own; anything else calls for a new workflow task.
	if !x.recording || !sm.IsCommandEvent(t) {
		x.pending = true
	}
	return ev
}

// step runs one engine step on the loop's goroutine, under the deadlock
// watchdog: a coroutine that stops yielding ends ExecuteWorkflow with a
// *temporal.DeadlockError (see ExecuteWorkflow), and this goroutine stays
// in the workflow code for good.
func (x *execution) step(in engine.Input) (engine.Output, error) {
	e := x.env
	done := e.watchdog.Watch(x.run.Scheduler(), func(name, stack string) {
		e.stuck <- &temporal.DeadlockError{WorkflowID: x.id, RunID: x.runID, Coroutine: name, Timeout: e.opts.DeadlockTimeout, Stack: stack}
	})
	out, err := x.run.Step(in)
	if !done() {
		// Declared stuck just as it returned: ExecuteWorkflow has moved
		// on without this goroutine, which must not touch the Env again.
		select {}
	}
	return out, err
}

// workflowTask runs a workflow task: the events the run has not seen,
// the update requests waiting, local activities in process, and the
// commands and messages it answers with become history.
func (x *execution) workflowTask() {
	x.pending = false
	speculative := x.applied > 0 && len(x.events) == x.applied && len(x.updates) > 0
	mark := len(x.events)
	sched := x.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, &historypb.WorkflowTaskScheduledEventAttributes{
		TaskQueue: &taskqueuepb.TaskQueue{Name: x.env.opts.TaskQueue}, StartToCloseTimeout: durationpb.New(taskTimeout), Attempt: 1})
	started := x.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: sched.EventId, Identity: identity})
	x.pending = false
	rec := taskRecord{started: started.EventId}
	ups := x.updates
	x.updates = nil
	for _, u := range ups {
		rec.messages = append(rec.messages, u.request(started.EventId))
	}
	out, err := x.step(engine.Input{Task: &engine.Task{Events: x.events[x.applied:], StartedEventID: started.EventId, Messages: rec.messages}})
	for err == nil && out.WaitLocal {
		results := x.env.runLocals(out)
		rec.locals = append(rec.locals, results)
		out, err = x.step(engine.Input{LocalResults: results})
	}
	if err != nil {
		x.failTask(sched.EventId, started.EventId, err)
		return
	}
	x.applied = len(x.events)
	byID := make(map[string]*protocolpb.Message, len(out.Messages))
	for _, m := range out.Messages {
		byID[m.GetId()] = m
	}
	if speculative && len(out.Commands) == 0 {
		// A task that only delivered rejected updates leaves no trace,
		// as on the server: the run has seen events that are not in
		// history, so the next task starts from a fresh run.
		x.events = x.events[:mark]
		x.newRun()
		x.pending = false
		x.deliverMessages(out.Messages, byID)
		return
	}
	completed := x.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: sched.EventId, StartedEventId: started.EventId, Identity: identity})
	x.pending = false
	rec.commands = out.Commands
	x.tasks = append(x.tasks, rec)
	x.recording = true
	for _, cmd := range out.Commands {
		x.record(cmd, completed.EventId, byID)
	}
	x.recording = false
	x.deliverMessages(out.Messages, byID)
}

// failTask records a failed workflow task. The server would retry it for
// ever; the environment ends the run with the error instead.
func (x *execution) failTask(sched, started int64, err error) {
	cause := enumspb.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE
	var nd *temporal.NondeterminismError
	if errors.As(err, &nd) {
		cause = enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
	}
	x.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, &historypb.WorkflowTaskFailedEventAttributes{ScheduledEventId: sched, StartedEventId: started,
		Cause: cause, Failure: &failurepb.Failure{Message: err.Error()}, Identity: identity})
	x.pending = false
	x.err = fmt.Errorf("testsuite: workflow task of %s (workflow %s) failed: %w", x.wfType, x.id, err)
}

// signal records a signal and makes the run due.
func (x *execution) signal(name string, input *commonpb.Payloads, header *commonpb.Header) {
	x.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, &historypb.WorkflowExecutionSignaledEventAttributes{SignalName: name, Input: input, Header: header, Identity: identity})
}

// requestCancel records a cancellation request.
func (x *execution) requestCancel(cause string) {
	x.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, &historypb.WorkflowExecutionCancelRequestedEventAttributes{Cause: cause, Identity: identity})
}

// identity is the worker identity the environment records.
const identity = "testsuite"

// setAttributes sets the attributes oneof of ev to attrs: a switch for
// the attributes the environment writes (it runs for every event), the
// descriptors for any other.
func setAttributes(ev *historypb.HistoryEvent, attrs proto.Message) {
	switch a := attrs.(type) {
	case *historypb.ActivityTaskCancelRequestedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskCancelRequestedEventAttributes{ActivityTaskCancelRequestedEventAttributes: a}
	case *historypb.ActivityTaskCanceledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskCanceledEventAttributes{ActivityTaskCanceledEventAttributes: a}
	case *historypb.ActivityTaskCompletedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{ActivityTaskCompletedEventAttributes: a}
	case *historypb.ActivityTaskFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskFailedEventAttributes{ActivityTaskFailedEventAttributes: a}
	case *historypb.ActivityTaskScheduledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: a}
	case *historypb.ActivityTaskStartedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{ActivityTaskStartedEventAttributes: a}
	case *historypb.ActivityTaskTimedOutEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ActivityTaskTimedOutEventAttributes{ActivityTaskTimedOutEventAttributes: a}
	case *historypb.ChildWorkflowExecutionCanceledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCanceledEventAttributes{ChildWorkflowExecutionCanceledEventAttributes: a}
	case *historypb.ChildWorkflowExecutionCompletedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCompletedEventAttributes{ChildWorkflowExecutionCompletedEventAttributes: a}
	case *historypb.ChildWorkflowExecutionFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionFailedEventAttributes{ChildWorkflowExecutionFailedEventAttributes: a}
	case *historypb.ChildWorkflowExecutionStartedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionStartedEventAttributes{ChildWorkflowExecutionStartedEventAttributes: a}
	case *historypb.ExternalWorkflowExecutionCancelRequestedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ExternalWorkflowExecutionCancelRequestedEventAttributes{ExternalWorkflowExecutionCancelRequestedEventAttributes: a}
	case *historypb.ExternalWorkflowExecutionSignaledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_ExternalWorkflowExecutionSignaledEventAttributes{ExternalWorkflowExecutionSignaledEventAttributes: a}
	case *historypb.MarkerRecordedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_MarkerRecordedEventAttributes{MarkerRecordedEventAttributes: a}
	case *historypb.NexusOperationCompletedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_NexusOperationCompletedEventAttributes{NexusOperationCompletedEventAttributes: a}
	case *historypb.NexusOperationFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_NexusOperationFailedEventAttributes{NexusOperationFailedEventAttributes: a}
	case *historypb.NexusOperationScheduledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_NexusOperationScheduledEventAttributes{NexusOperationScheduledEventAttributes: a}
	case *historypb.RequestCancelExternalWorkflowExecutionFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionFailedEventAttributes{RequestCancelExternalWorkflowExecutionFailedEventAttributes: a}
	case *historypb.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{RequestCancelExternalWorkflowExecutionInitiatedEventAttributes: a}
	case *historypb.SignalExternalWorkflowExecutionFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_SignalExternalWorkflowExecutionFailedEventAttributes{SignalExternalWorkflowExecutionFailedEventAttributes: a}
	case *historypb.SignalExternalWorkflowExecutionInitiatedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_SignalExternalWorkflowExecutionInitiatedEventAttributes{SignalExternalWorkflowExecutionInitiatedEventAttributes: a}
	case *historypb.StartChildWorkflowExecutionFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_StartChildWorkflowExecutionFailedEventAttributes{StartChildWorkflowExecutionFailedEventAttributes: a}
	case *historypb.StartChildWorkflowExecutionInitiatedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_StartChildWorkflowExecutionInitiatedEventAttributes{StartChildWorkflowExecutionInitiatedEventAttributes: a}
	case *historypb.TimerCanceledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_TimerCanceledEventAttributes{TimerCanceledEventAttributes: a}
	case *historypb.TimerFiredEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_TimerFiredEventAttributes{TimerFiredEventAttributes: a}
	case *historypb.TimerStartedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_TimerStartedEventAttributes{TimerStartedEventAttributes: a}
	case *historypb.UpsertWorkflowSearchAttributesEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_UpsertWorkflowSearchAttributesEventAttributes{UpsertWorkflowSearchAttributesEventAttributes: a}
	case *historypb.WorkflowExecutionCancelRequestedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionCancelRequestedEventAttributes{WorkflowExecutionCancelRequestedEventAttributes: a}
	case *historypb.WorkflowExecutionCanceledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionCanceledEventAttributes{WorkflowExecutionCanceledEventAttributes: a}
	case *historypb.WorkflowExecutionCompletedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes{WorkflowExecutionCompletedEventAttributes: a}
	case *historypb.WorkflowExecutionContinuedAsNewEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionContinuedAsNewEventAttributes{WorkflowExecutionContinuedAsNewEventAttributes: a}
	case *historypb.WorkflowExecutionFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionFailedEventAttributes{WorkflowExecutionFailedEventAttributes: a}
	case *historypb.WorkflowExecutionSignaledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionSignaledEventAttributes{WorkflowExecutionSignaledEventAttributes: a}
	case *historypb.WorkflowExecutionStartedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: a}
	case *historypb.WorkflowExecutionUpdateAcceptedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateAcceptedEventAttributes{WorkflowExecutionUpdateAcceptedEventAttributes: a}
	case *historypb.WorkflowExecutionUpdateCompletedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateCompletedEventAttributes{WorkflowExecutionUpdateCompletedEventAttributes: a}
	case *historypb.WorkflowPropertiesModifiedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowPropertiesModifiedEventAttributes{WorkflowPropertiesModifiedEventAttributes: a}
	case *historypb.WorkflowTaskCompletedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowTaskCompletedEventAttributes{WorkflowTaskCompletedEventAttributes: a}
	case *historypb.WorkflowTaskFailedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowTaskFailedEventAttributes{WorkflowTaskFailedEventAttributes: a}
	case *historypb.WorkflowTaskScheduledEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowTaskScheduledEventAttributes{WorkflowTaskScheduledEventAttributes: a}
	case *historypb.WorkflowTaskStartedEventAttributes:
		ev.Attributes = &historypb.HistoryEvent_WorkflowTaskStartedEventAttributes{WorkflowTaskStartedEventAttributes: a}
	default:
		setAttributesReflect(ev, attrs)
	}
}

func setAttributesReflect(ev *historypb.HistoryEvent, attrs proto.Message) {
	m := ev.ProtoReflect()
	want := attrs.ProtoReflect().Descriptor().FullName()
	fields := m.Descriptor().Oneofs().ByName("attributes").Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		if f.Message() != nil && f.Message().FullName() == want {
			m.Set(f, protoreflect.ValueOfMessage(attrs.ProtoReflect()))
			return
		}
	}
	panic(fmt.Sprintf("testsuite: %s is not a history event attributes message", want)) // internal bug
}
