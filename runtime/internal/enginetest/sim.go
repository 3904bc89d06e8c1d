// Package enginetest plays the server for engine runs in tests: it turns
// the commands a run issues into history events, lets the test resolve
// timers and activities and deliver signals, and replays the whole history
// with a fresh run after every task to check that the workflow is
// deterministic. No network, no clock.
package enginetest

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Sim is one simulated workflow execution.
type Sim struct {
	t          testing.TB
	cfg        engine.Config
	run        *engine.Run
	events     []*historypb.HistoryEvent
	applied    int
	timers     map[string]int64 // timer id -> started event id
	activities map[string]int64 // activity id -> scheduled event id
	now        time.Time
	// Closed is the closing command once the workflow issued one.
	Closed *commandpb.Command
	// Commands are the commands of the last task.
	Commands []*commandpb.Command
	// Metrics, when set before Start, is the run's metrics handler.
	Metrics temporal.MetricsHandler
}

// New returns a simulation of a workflow of type "W" running fn.
func New(t testing.TB, fn engine.WorkflowFunc) *Sim {
	dc := converter.Default()
	s := &Sim{t: t, timers: map[string]int64{}, activities: map[string]int64{}, now: time.Unix(1_700_000_000, 0).UTC()}
	s.cfg = engine.Config{
		Namespace: "default", TaskQueue: "q", DataConverter: dc,
		FailureConverter: converter.NewFailureConverter(dc, converter.FailureConverterOptions{}),
		Lookup:           func(string) (*engine.Definition, bool) { return &engine.Definition{Fn: fn}, true },
	}
	return s
}

// Start adds the started event and runs the first task.
func (s *Sim) Start(input *commonpb.Payloads) *Sim {
	s.cfg.Metrics = s.Metrics
	s.run = engine.NewRun(s.cfg, "wf", "run")
	s.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{
		WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{
			WorkflowType: &commonpb.WorkflowType{Name: "W"}, TaskQueue: &taskqueuepb.TaskQueue{Name: "q"},
			Input: input, OriginalExecutionRunId: "run", Attempt: 1,
		}})
	return s.Task()
}

// Run returns the live run.
func (s *Sim) Run() *engine.Run { return s.run }

// Events returns the history so far.
func (s *Sim) Events() []*historypb.HistoryEvent { return s.events }

// Advance moves the simulated clock.
func (s *Sim) Advance(d time.Duration) *Sim { s.now = s.now.Add(d); return s }

func (s *Sim) add(t enumspb.EventType, attrs any) *historypb.HistoryEvent {
	e := &historypb.HistoryEvent{EventId: int64(len(s.events) + 1), EventType: t, EventTime: timestamppb.New(s.now)}
	if attrs != nil {
		setAttrs(e, attrs)
	}
	s.events = append(s.events, e)
	return e
}

// Task schedules and runs a workflow task, records the command events the
// server would write, and replays the whole history with a new run to
// check it issues the same commands.
func (s *Sim) Task() *Sim {
	s.t.Helper()
	s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, nil)
	started := s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, nil)
	c, err := s.run.Step(engine.Input{Task: &engine.Task{Events: s.events[s.applied:], StartedEventID: started.EventId}})
	if err != nil {
		s.t.Fatalf("task at event %d: %v", started.EventId, err)
	}
	s.applied = len(s.events)
	if c.WaitLocal {
		s.t.Fatalf("local activities are not simulated")
	}
	s.Commands = c.Commands
	s.checkReplay(c.Commands)
	s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, nil)
	for _, cmd := range c.Commands {
		s.record(cmd)
	}
	s.applied = len(s.events)
	// Command events are applied by the next task.
	s.applied -= 1 + len(c.Commands)
	return s
}

func (s *Sim) checkReplay(want []*commandpb.Command) {
	s.t.Helper()
	cfg := s.cfg
	cfg.Metrics = nil
	r := engine.NewRun(cfg, "wf", "run")
	defer r.Close()
	c, err := r.Step(engine.Input{Task: &engine.Task{Events: s.events, StartedEventID: s.events[len(s.events)-1].EventId}})
	if err != nil {
		s.t.Fatalf("full replay failed: %v", err)
	}
	if len(c.Commands) != len(want) {
		s.t.Fatalf("full replay issued %d commands, the live run %d", len(c.Commands), len(want))
	}
	for i := range want {
		if !proto.Equal(c.Commands[i], want[i]) {
			s.t.Fatalf("full replay command %d differs:\nreplay: %v\nlive:   %v", i, c.Commands[i], want[i])
		}
	}
}

func (s *Sim) record(cmd *commandpb.Command) {
	switch a := cmd.Attributes.(type) {
	case *commandpb.Command_ScheduleActivityTaskCommandAttributes:
		at := a.ScheduleActivityTaskCommandAttributes
		e := s.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{
			ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{
				ActivityId: at.ActivityId, ActivityType: at.ActivityType, Input: at.Input}})
		s.activities[at.ActivityId] = e.EventId
	case *commandpb.Command_StartTimerCommandAttributes:
		id := a.StartTimerCommandAttributes.TimerId
		e := s.add(enumspb.EVENT_TYPE_TIMER_STARTED, &historypb.HistoryEvent_TimerStartedEventAttributes{
			TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{TimerId: id,
				StartToFireTimeout: a.StartTimerCommandAttributes.StartToFireTimeout}})
		s.timers[id] = e.EventId
	case *commandpb.Command_CancelTimerCommandAttributes:
		id := a.CancelTimerCommandAttributes.TimerId
		s.add(enumspb.EVENT_TYPE_TIMER_CANCELED, &historypb.HistoryEvent_TimerCanceledEventAttributes{
			TimerCanceledEventAttributes: &historypb.TimerCanceledEventAttributes{TimerId: id, StartedEventId: s.timers[id]}})
		delete(s.timers, id)
	case *commandpb.Command_RecordMarkerCommandAttributes:
		m := a.RecordMarkerCommandAttributes
		s.add(enumspb.EVENT_TYPE_MARKER_RECORDED, &historypb.HistoryEvent_MarkerRecordedEventAttributes{
			MarkerRecordedEventAttributes: &historypb.MarkerRecordedEventAttributes{MarkerName: m.MarkerName, Details: m.Details, Failure: m.Failure}})
	case *commandpb.Command_UpsertWorkflowSearchAttributesCommandAttributes:
		s.add(enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, &historypb.HistoryEvent_UpsertWorkflowSearchAttributesEventAttributes{
			UpsertWorkflowSearchAttributesEventAttributes: &historypb.UpsertWorkflowSearchAttributesEventAttributes{
				SearchAttributes: a.UpsertWorkflowSearchAttributesCommandAttributes.SearchAttributes}})
	case *commandpb.Command_ModifyWorkflowPropertiesCommandAttributes:
		s.add(enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, &historypb.HistoryEvent_WorkflowPropertiesModifiedEventAttributes{
			WorkflowPropertiesModifiedEventAttributes: &historypb.WorkflowPropertiesModifiedEventAttributes{
				UpsertedMemo: a.ModifyWorkflowPropertiesCommandAttributes.UpsertedMemo}})
	case *commandpb.Command_CompleteWorkflowExecutionCommandAttributes:
		s.Closed = cmd
		s.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, &historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes{
			WorkflowExecutionCompletedEventAttributes: &historypb.WorkflowExecutionCompletedEventAttributes{Result: a.CompleteWorkflowExecutionCommandAttributes.Result}})
	case *commandpb.Command_FailWorkflowExecutionCommandAttributes:
		s.Closed = cmd
		s.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, &historypb.HistoryEvent_WorkflowExecutionFailedEventAttributes{
			WorkflowExecutionFailedEventAttributes: &historypb.WorkflowExecutionFailedEventAttributes{Failure: a.FailWorkflowExecutionCommandAttributes.Failure}})
	case *commandpb.Command_ContinueAsNewWorkflowExecutionCommandAttributes:
		s.Closed = cmd
		s.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, &historypb.HistoryEvent_WorkflowExecutionContinuedAsNewEventAttributes{
			WorkflowExecutionContinuedAsNewEventAttributes: &historypb.WorkflowExecutionContinuedAsNewEventAttributes{}})
	default:
		s.t.Fatalf("enginetest: command %s is not simulated", cmd.CommandType)
	}
}

// Replay replays the whole history, as a replayer does, with a new run
// that uses metrics.
func (s *Sim) Replay(metrics temporal.MetricsHandler) error {
	cfg := s.cfg
	cfg.Metrics = metrics
	r := engine.NewRun(cfg, "wf", "run")
	defer r.Close()
	_, err := r.Step(engine.Input{Task: &engine.Task{Events: s.events, Replay: true}})
	return err
}

// FireTimer records that timer id fired.
func (s *Sim) FireTimer(id string) *Sim {
	s.t.Helper()
	started, ok := s.timers[id]
	if !ok {
		s.t.Fatalf("no running timer %q (running: %v)", id, s.timers)
	}
	delete(s.timers, id)
	s.add(enumspb.EVENT_TYPE_TIMER_FIRED, &historypb.HistoryEvent_TimerFiredEventAttributes{
		TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{TimerId: id, StartedEventId: started}})
	return s
}

// Timers returns the ids of running timers.
func (s *Sim) Timers() map[string]int64 { return s.timers }

// CompleteActivity records that activity id completed with result.
func (s *Sim) CompleteActivity(id string, result any) *Sim {
	s.t.Helper()
	sched, ok := s.activities[id]
	if !ok {
		s.t.Fatalf("no scheduled activity %q", id)
	}
	delete(s.activities, id)
	p, err := converter.Default().ToPayloads(result)
	if err != nil {
		s.t.Fatal(err)
	}
	st := s.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED, &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{
		ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: sched}})
	s.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{
		ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{ScheduledEventId: sched, StartedEventId: st.EventId, Result: p}})
	return s
}

// Signal records a signal with the given arguments.
func (s *Sim) Signal(name string, args ...any) *Sim {
	p, err := converter.Default().ToPayloads(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	s.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, &historypb.HistoryEvent_WorkflowExecutionSignaledEventAttributes{
		WorkflowExecutionSignaledEventAttributes: &historypb.WorkflowExecutionSignaledEventAttributes{SignalName: name, Input: p}})
	return s
}

// Result decodes the workflow's result into ptr; it fails the test if the
// workflow did not complete.
func (s *Sim) Result(ptr any) {
	s.t.Helper()
	c := s.Closed.GetCompleteWorkflowExecutionCommandAttributes()
	if c == nil {
		s.t.Fatalf("workflow did not complete: %v", s.Closed)
	}
	if err := converter.Default().FromPayloads(c.Result, ptr); err != nil {
		s.t.Fatal(err)
	}
}

// TimerIDs lists running timers in id order.
func (s *Sim) TimerIDs() []string {
	var ids []string
	for i := 1; len(ids) < len(s.timers) && i < 10000; i++ {
		if _, ok := s.timers[strconv.Itoa(i)]; ok {
			ids = append(ids, strconv.Itoa(i))
		}
	}
	return ids
}

func setAttrs(e *historypb.HistoryEvent, attrs any) {
	switch a := attrs.(type) {
	case *historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_ActivityTaskScheduledEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_ActivityTaskStartedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_ActivityTaskCompletedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_TimerStartedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_TimerFiredEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_TimerCanceledEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_MarkerRecordedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_UpsertWorkflowSearchAttributesEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_WorkflowPropertiesModifiedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_WorkflowExecutionFailedEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_WorkflowExecutionContinuedAsNewEventAttributes:
		e.Attributes = a
	case *historypb.HistoryEvent_WorkflowExecutionSignaledEventAttributes:
		e.Attributes = a
	default:
		panic(fmt.Sprintf("enginetest: attributes %T", attrs))
	}
}

// ReplayWith replays events with a new run of fn, as a replayer does.
func ReplayWith(events []*historypb.HistoryEvent, fn engine.WorkflowFunc) error {
	dc := converter.Default()
	r := engine.NewRun(engine.Config{
		Namespace: "default", TaskQueue: "q", DataConverter: dc,
		FailureConverter: converter.NewFailureConverter(dc, converter.FailureConverterOptions{}),
		Lookup:           func(string) (*engine.Definition, bool) { return &engine.Definition{Fn: fn}, true },
	}, "wf", "run")
	defer r.Close()
	_, err := r.Step(engine.Input{Task: &engine.Task{Events: events, Replay: true, Whole: true}})
	return err
}
