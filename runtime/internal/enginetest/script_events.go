package enginetest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// line is one input line of a directive, split into words.
type line struct {
	pos   string // file:line
	words []string
}

func (l line) word(i int) string {
	if i < len(l.words) {
		return l.words[i]
	}
	return ""
}

// opt returns the value of a key=value word.
func (l line) opt(key string) (string, bool) {
	for _, w := range l.words {
		if v, ok := strings.CutPrefix(w, key+"="); ok {
			return v, true
		}
	}
	return "", false
}

func (l line) has(flag string) bool {
	for _, w := range l.words {
		if w == flag {
			return true
		}
	}
	return false
}

// args returns the words from i on that are not key=value options.
func (l line) args(i int) []string {
	var out []string
	for _, w := range l.words[min(i, len(l.words)):] {
		if !isOption(w) {
			out = append(out, w)
		}
	}
	return out
}

func isOption(w string) bool {
	k, _, ok := strings.Cut(w, "=")
	return ok && k != "" && !strings.ContainsAny(k, "\"{[")
}

// lines splits a directive's input into lines of words. A word that
// starts with a JSON string, object or array (also after key=) runs to
// the end of that value, so JSON may hold spaces. Lines starting with #
// are comments.
func (sc *script) lines(t testing.TB, input string) []line {
	base := 0
	if i := strings.LastIndexByte(sc.pos, ':'); i >= 0 {
		base, _ = strconv.Atoi(sc.pos[i+1:])
	}
	file := sc.pos[:max(0, strings.LastIndexByte(sc.pos, ':'))]
	var out []line
	for i, text := range strings.Split(input, "\n") {
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		pos := fmt.Sprintf("%s:%d", file, base+1+i)
		words, err := splitWords(text)
		if err != nil {
			t.Fatalf("%s: %v", pos, err)
		}
		out = append(out, line{pos: pos, words: words})
	}
	return out
}

func splitWords(s string) ([]string, error) {
	var out []string
	i := 0
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		start := i
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if c := s[i]; c == '"' || c == '{' || c == '[' {
				dec := json.NewDecoder(strings.NewReader(s[i:]))
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, fmt.Errorf("bad JSON at column %d: %v", i+1, err)
				}
				i += int(dec.InputOffset())
				continue
			}
			i++
		}
		out = append(out, s[start:i])
	}
	return out, nil
}

func (sc *script) json(t testing.TB, w string) any {
	dec := json.NewDecoder(strings.NewReader(w))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		sc.fatalf(t, "%q is not JSON: %v", w, err)
	}
	return v
}

// str decodes a JSON string word, or takes a bare word as it is.
func (sc *script) str(t testing.TB, w string) string {
	if strings.HasPrefix(w, `"`) {
		s, _ := sc.json(t, w).(string)
		return s
	}
	return w
}

func lineFatalf(t testing.TB, l line, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s: %s (in %q)", l.pos, fmt.Sprintf(format, args...), strings.Join(l.words, " "))
}

// startOption applies a start option line to the started event; it
// reports false for lines that are events.
func (sc *script) startOption(t testing.TB, a *historypb.WorkflowExecutionStartedEventAttributes, l line) bool {
	switch l.word(0) {
	case "input":
		a.Input = sc.payloads(t, l, l.words[1:])
	case "memo":
		if a.Memo == nil {
			a.Memo = &commonpb.Memo{Fields: map[string]*commonpb.Payload{}}
		}
		a.Memo.Fields[l.word(1)] = sc.payloads(t, l, l.words[2:3]).Payloads[0]
	case "search-attribute":
		if a.SearchAttributes == nil {
			a.SearchAttributes = &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{}}
		}
		p := sc.payloads(t, l, l.words[2:3]).Payloads[0]
		p.Metadata["type"] = []byte(l.word(3))
		a.SearchAttributes.IndexedFields[l.word(1)] = p
	case "attempt":
		n, _ := strconv.Atoi(l.word(1))
		a.Attempt = int32(n)
	case "cron":
		a.CronSchedule = sc.str(t, l.word(1))
	case "run-timeout":
		a.WorkflowRunTimeout = durationpb.New(sc.duration(t, l.word(1)))
	case "task-timeout":
		a.WorkflowTaskTimeout = durationpb.New(sc.duration(t, l.word(1)))
	case "execution-timeout":
		a.WorkflowExecutionTimeout = durationpb.New(sc.duration(t, l.word(1)))
		a.WorkflowExecutionExpirationTime = timestamppb.New(sc.sim.now.Add(sc.duration(t, l.word(1))))
	case "retry-policy":
		n, _ := strconv.Atoi(l.word(1))
		a.RetryPolicy = &commonpb.RetryPolicy{MaximumAttempts: int32(n)}
	case "parent":
		a.ParentWorkflowNamespace = "default"
		a.ParentWorkflowExecution = &commonpb.WorkflowExecution{WorkflowId: l.word(1), RunId: l.word(2)}
		a.RootWorkflowExecution = a.ParentWorkflowExecution
	case "continued-from":
		a.ContinuedExecutionRunId = l.word(1)
		a.Initiator = enumspb.CONTINUE_AS_NEW_INITIATOR_WORKFLOW
	case "last-result":
		a.LastCompletionResult = sc.payloads(t, l, l.words[1:])
	case "continued-failure":
		a.ContinuedFailure = &failurepb.Failure{Message: sc.str(t, l.word(1))}
	case "header":
		if a.Header == nil {
			a.Header = &commonpb.Header{Fields: map[string]*commonpb.Payload{}}
		}
		a.Header.Fields[l.word(1)] = sc.payloads(t, l, l.words[2:3]).Payloads[0]
	default:
		return false
	}
	return true
}

// event adds the history events an event line stands for.
func (sc *script) event(t testing.TB, l line) {
	s := sc.sim
	switch l.word(0) {
	case "advance":
		s.Advance(sc.duration(t, l.word(1)))
	case "signal":
		a := &historypb.WorkflowExecutionSignaledEventAttributes{SignalName: l.word(1), Input: sc.payloads(t, l, l.args(2))}
		if v, ok := l.opt("header"); ok {
			a.Header = &commonpb.Header{Fields: map[string]*commonpb.Payload{"h": sc.payloads(t, l, []string{v}).Payloads[0]}}
		}
		sc.addEvent(a)
	case "cancel":
		sc.addEvent(&historypb.WorkflowExecutionCancelRequestedEventAttributes{Cause: "script"})
	case "timer":
		if l.word(2) != "fired" {
			lineFatalf(t, l, "usage: timer <id> fired")
		}
		s.FireTimer(l.word(1))
	case "activity":
		sc.activityEvent(t, l)
	case "child":
		sc.childEvent(t, l)
	case "external-signal", "external-cancel", "nexus":
		sc.initiatedEvent(t, l)
	case "admitted-update":
		sc.addEvent(&historypb.WorkflowExecutionUpdateAdmittedEventAttributes{
			Request: sc.updateRequest(t, l)})
	case "task-failed":
		// An attempt of a workflow task that failed: it does not end the
		// task sequence.
		s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, nil)
		s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, nil)
		s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, nil)
	case "sdk-flags":
		// A completed task of another SDK that used flags: the next task
		// must refuse the history.
		s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, nil)
		s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, nil)
		sc.addEvent(&historypb.WorkflowTaskCompletedEventAttributes{
			SdkMetadata: &sdkpb.WorkflowTaskCompletedMetadata{LangUsedFlags: []uint32{1}}})
	default:
		lineFatalf(t, l, "unknown event (advance, signal, cancel, timer, activity, child, external-signal, external-cancel, nexus, update, admitted-update, query, task-failed, sdk-flags)")
	}
}

func (sc *script) failure(t testing.TB, l line, i int) *failurepb.Failure {
	f := &failurepb.Failure{Message: sc.str(t, l.word(i)), Source: "script"}
	typ, _ := l.opt("type")
	f.FailureInfo = &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: typ, NonRetryable: l.has("nonretryable")}}
	return f
}

func timeoutType(w string) enumspb.TimeoutType {
	v, ok := enumspb.TimeoutType_value["TIMEOUT_TYPE_"+strings.ToUpper(strings.ReplaceAll(w, "-", "_"))]
	if !ok {
		return enumspb.TIMEOUT_TYPE_START_TO_CLOSE
	}
	return enumspb.TimeoutType(v)
}

// activityEvent: activity <id> started|completed [json...]|failed <msg>
// [type=T] [nonretryable]|timedout [kind]|canceled.
func (sc *script) activityEvent(t testing.TB, l line) {
	s := sc.sim
	id, what := l.word(1), l.word(2)
	sched, ok := s.activities[id]
	if !ok {
		lineFatalf(t, l, "no scheduled activity %q", id)
	}
	if !sc.started[sched] && what != "canceled" {
		sc.started[sched] = true
		sc.addEvent(&historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: sched, Attempt: 1})
	}
	var startedID int64
	for _, e := range s.events {
		if e.GetActivityTaskStartedEventAttributes().GetScheduledEventId() == sched {
			startedID = e.EventId
		}
	}
	var attrs proto.Message
	switch what {
	case "started":
		return
	case "completed":
		attrs = &historypb.ActivityTaskCompletedEventAttributes{
			ScheduledEventId: sched, StartedEventId: startedID, Result: sc.payloads(t, l, l.args(3))}
	case "failed":
		attrs = &historypb.ActivityTaskFailedEventAttributes{
			ScheduledEventId: sched, StartedEventId: startedID, Failure: sc.failure(t, l, 3), RetryState: enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED}
	case "timedout":
		attrs = &historypb.ActivityTaskTimedOutEventAttributes{
			ScheduledEventId: sched, StartedEventId: startedID, RetryState: enumspb.RETRY_STATE_TIMEOUT,
			Failure: &failurepb.Failure{Message: "activity timeout", FailureInfo: &failurepb.Failure_TimeoutFailureInfo{
				TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: timeoutType(l.word(3))}}}}
	case "canceled":
		attrs = &historypb.ActivityTaskCanceledEventAttributes{
			ScheduledEventId: sched, StartedEventId: startedID, Details: sc.payloads(t, l, l.args(3))}
	default:
		lineFatalf(t, l, "usage: activity <id> started|completed|failed|timedout|canceled")
	}
	sc.addEvent(attrs)
	delete(s.activities, id)
}

// childEvent: child <workflow id> started|completed [json...]|failed
// <msg>|canceled|timedout|terminated|start-failed.
func (sc *script) childEvent(t testing.TB, l line) {
	s := sc.sim
	id, what := l.word(1), l.word(2)
	init, ok := sc.children[id]
	if !ok {
		lineFatalf(t, l, "no child workflow %q was initiated", id)
	}
	we := &commonpb.WorkflowExecution{WorkflowId: id, RunId: id + "-run"}
	var typ *commonpb.WorkflowType
	for _, e := range s.events {
		if e.EventId == init {
			typ = e.GetStartChildWorkflowExecutionInitiatedEventAttributes().GetWorkflowType()
		}
	}
	var started int64
	for _, e := range s.events {
		if e.GetChildWorkflowExecutionStartedEventAttributes().GetInitiatedEventId() == init {
			started = e.EventId
		}
	}
	switch what {
	case "started":
		sc.addEvent(&historypb.ChildWorkflowExecutionStartedEventAttributes{
			Namespace: "default", InitiatedEventId: init, WorkflowExecution: we, WorkflowType: typ})
	case "completed":
		sc.addEvent(&historypb.ChildWorkflowExecutionCompletedEventAttributes{
			Namespace: "default", InitiatedEventId: init, StartedEventId: started, WorkflowExecution: we, WorkflowType: typ, Result: sc.payloads(t, l, l.args(3))})
	case "failed":
		sc.addEvent(&historypb.ChildWorkflowExecutionFailedEventAttributes{
			Namespace: "default", InitiatedEventId: init, StartedEventId: started, WorkflowExecution: we, WorkflowType: typ, Failure: sc.failure(t, l, 3),
			RetryState: enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE})
	case "canceled":
		sc.addEvent(&historypb.ChildWorkflowExecutionCanceledEventAttributes{
			Namespace: "default", InitiatedEventId: init, StartedEventId: started, WorkflowExecution: we, WorkflowType: typ})
	case "timedout":
		sc.addEvent(&historypb.ChildWorkflowExecutionTimedOutEventAttributes{
			Namespace: "default", InitiatedEventId: init, StartedEventId: started, WorkflowExecution: we, WorkflowType: typ, RetryState: enumspb.RETRY_STATE_TIMEOUT})
	case "terminated":
		sc.addEvent(&historypb.ChildWorkflowExecutionTerminatedEventAttributes{
			Namespace: "default", InitiatedEventId: init, StartedEventId: started, WorkflowExecution: we, WorkflowType: typ})
	case "start-failed":
		sc.addEvent(&historypb.StartChildWorkflowExecutionFailedEventAttributes{
			Namespace: "default", InitiatedEventId: init, WorkflowId: id, WorkflowType: typ,
			Cause: enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS})
	default:
		lineFatalf(t, l, "usage: child <workflow id> started|completed|failed|canceled|timedout|terminated|start-failed")
	}
}

// initiatedEvent resolves the n-th (from 1) signal, cancel request or
// Nexus operation the workflow initiated:
//
//	external-signal <n> done|failed
//	external-cancel <n> done|failed
//	nexus <n> started [token]|completed [json]|failed <msg>|canceled|timedout|cancel-done|cancel-failed
func (sc *script) initiatedEvent(t testing.TB, l line) {
	kind := map[string]string{"external-signal": "signal", "external-cancel": "cancel", "nexus": "nexus"}[l.word(0)]
	n, _ := strconv.Atoi(l.word(1))
	ids := sc.initiated[kind]
	if n < 1 || n > len(ids) {
		lineFatalf(t, l, "the workflow initiated %d of these", len(ids))
	}
	init := ids[n-1]
	we := &commonpb.WorkflowExecution{WorkflowId: "other"}
	notFound := enumspb.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND
	var attrs proto.Message
	switch kind + " " + l.word(2) {
	case "signal done":
		attrs = &historypb.ExternalWorkflowExecutionSignaledEventAttributes{InitiatedEventId: init, Namespace: "default", WorkflowExecution: we}
	case "signal failed":
		attrs = &historypb.SignalExternalWorkflowExecutionFailedEventAttributes{InitiatedEventId: init, Namespace: "default", WorkflowExecution: we, Cause: notFound}
	case "cancel done":
		attrs = &historypb.ExternalWorkflowExecutionCancelRequestedEventAttributes{InitiatedEventId: init, Namespace: "default", WorkflowExecution: we}
	case "cancel failed":
		attrs = &historypb.RequestCancelExternalWorkflowExecutionFailedEventAttributes{InitiatedEventId: init, Namespace: "default", WorkflowExecution: we,
			Cause: enumspb.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND}
	case "nexus started":
		attrs = &historypb.NexusOperationStartedEventAttributes{ScheduledEventId: init, OperationToken: l.word(3)}
	case "nexus completed":
		var res *commonpb.Payload
		if p := sc.payloads(t, l, l.args(3)); p != nil {
			res = p.Payloads[0]
		}
		attrs = &historypb.NexusOperationCompletedEventAttributes{ScheduledEventId: init, Result: res}
	case "nexus failed":
		attrs = &historypb.NexusOperationFailedEventAttributes{ScheduledEventId: init, Failure: &failurepb.Failure{Message: "nexus operation failed", Cause: sc.failure(t, l, 3)}}
	case "nexus canceled":
		attrs = &historypb.NexusOperationCanceledEventAttributes{ScheduledEventId: init, Failure: &failurepb.Failure{Message: "nexus operation canceled",
			FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}}}}
	case "nexus timedout":
		attrs = &historypb.NexusOperationTimedOutEventAttributes{ScheduledEventId: init, Failure: &failurepb.Failure{Message: "nexus operation timed out",
			FailureInfo: &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE}}}}
	case "nexus cancel-done":
		attrs = &historypb.NexusOperationCancelRequestCompletedEventAttributes{ScheduledEventId: init}
	case "nexus cancel-failed":
		attrs = &historypb.NexusOperationCancelRequestFailedEventAttributes{ScheduledEventId: init, Failure: &failurepb.Failure{Message: "cannot cancel"}}
	default:
		lineFatalf(t, l, "unknown outcome %q", l.word(2))
	}
	sc.addEvent(attrs)
}

// addEvent appends an event with attrs; its type is named by the
// attributes' message (NexusOperationStartedEventAttributes:
// NexusOperationStarted).
func (sc *script) addEvent(attrs proto.Message) *historypb.HistoryEvent {
	name := strings.TrimSuffix(string(attrs.ProtoReflect().Descriptor().Name()), "EventAttributes")
	var b strings.Builder
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	et, ok := enumspb.EventType_value["EVENT_TYPE_"+b.String()]
	if !ok {
		panic(fmt.Sprintf("enginetest: no event type for %T", attrs))
	}
	e := sc.sim.add(enumspb.EventType(et), nil)
	setEventAttrs(e, attrs)
	return e
}

// setEventAttrs sets an event's attributes oneof from the attributes
// message, through reflection on the event's oneof fields.
func setEventAttrs(e *historypb.HistoryEvent, attrs proto.Message) {
	m := e.ProtoReflect()
	od := m.Descriptor().Oneofs().ByName("attributes")
	for i := 0; i < od.Fields().Len(); i++ {
		fd := od.Fields().Get(i)
		if fd.Message().FullName() == attrs.ProtoReflect().Descriptor().FullName() {
			m.Set(fd, protoreflect.ValueOfMessage(attrs.ProtoReflect()))
			return
		}
	}
	panic(fmt.Sprintf("enginetest: no event attributes field for %T", attrs))
}

// updateRequest builds the request of an update line:
// update|admitted-update <id> <name> [json args...].
func (sc *script) updateRequest(t testing.TB, l line) *updatepb.Request {
	if len(l.words) < 3 {
		lineFatalf(t, l, "usage: %s <update id> <name> [json args...]", l.word(0))
	}
	return &updatepb.Request{Meta: &updatepb.Meta{UpdateId: l.word(1), Identity: "script"},
		Input: &updatepb.Input{Name: l.word(2), Args: sc.payloads(t, l, l.args(3))}}
}

// updateMessage is the protocol message of an update line, delivered
// with the task.
func (sc *script) updateMessage(t testing.TB, l line) *protocolpb.Message {
	body, err := anypb.New(sc.updateRequest(t, l))
	if err != nil {
		lineFatalf(t, l, "%v", err)
	}
	return &protocolpb.Message{Id: l.word(1) + "/request", ProtocolInstanceId: l.word(1), Body: body}
}

// localResult parses a resolve-local line:
//
//	<seq> completed [json]
//	<seq> failed <msg> [type=T] [nonretryable] [attempt=N] [backoff=D]
func (sc *script) localResult(t testing.TB, l line) engine.LocalActivityResult {
	seq, err := strconv.ParseInt(l.word(0), 10, 64)
	if err != nil {
		lineFatalf(t, l, "the first word is the local activity's sequence number")
	}
	res := engine.LocalActivityResult{Seq: seq, Attempt: 1, CompleteTime: sc.sim.now}
	if v, ok := l.opt("attempt"); ok {
		n, _ := strconv.Atoi(v)
		res.Attempt = int32(n)
	}
	switch l.word(1) {
	case "completed":
		res.Result = sc.payloads(t, l, l.args(2))
	case "failed":
		res.Failure = sc.failure(t, l, 2)
		if v, ok := l.opt("backoff"); ok {
			res.Backoff = sc.duration(t, v)
		}
	default:
		lineFatalf(t, l, "usage: <seq> completed [json] | <seq> failed <msg> [type=T] [attempt=N] [backoff=D]")
	}
	return res
}

// record writes the event the server writes for a command, after the
// task's WorkflowTaskCompleted event.
func (sc *script) record(t testing.TB, c *commandpb.Command, msgs map[string]*protocolpb.Message) {
	s := sc.sim
	switch a := c.Attributes.(type) {
	case *commandpb.Command_RequestCancelActivityTaskCommandAttributes:
		sc.addEvent(&historypb.ActivityTaskCancelRequestedEventAttributes{
			ScheduledEventId: a.RequestCancelActivityTaskCommandAttributes.ScheduledEventId})
	case *commandpb.Command_CancelWorkflowExecutionCommandAttributes:
		s.Closed = c
		sc.addEvent(&historypb.WorkflowExecutionCanceledEventAttributes{
			Details: a.CancelWorkflowExecutionCommandAttributes.Details})
	case *commandpb.Command_StartChildWorkflowExecutionCommandAttributes:
		x := a.StartChildWorkflowExecutionCommandAttributes
		e := sc.addEvent(&historypb.StartChildWorkflowExecutionInitiatedEventAttributes{Namespace: x.Namespace, WorkflowId: x.WorkflowId,
			WorkflowType: x.WorkflowType, TaskQueue: x.TaskQueue, Input: x.Input, ParentClosePolicy: x.ParentClosePolicy})
		sc.children[x.WorkflowId] = e.EventId
	case *commandpb.Command_SignalExternalWorkflowExecutionCommandAttributes:
		x := a.SignalExternalWorkflowExecutionCommandAttributes
		e := sc.addEvent(&historypb.SignalExternalWorkflowExecutionInitiatedEventAttributes{Namespace: x.Namespace, WorkflowExecution: x.Execution,
			SignalName: x.SignalName, Input: x.Input, ChildWorkflowOnly: x.ChildWorkflowOnly})
		sc.initiated["signal"] = append(sc.initiated["signal"], e.EventId)
	case *commandpb.Command_RequestCancelExternalWorkflowExecutionCommandAttributes:
		x := a.RequestCancelExternalWorkflowExecutionCommandAttributes
		e := sc.addEvent(&historypb.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{Namespace: x.Namespace,
			WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: x.WorkflowId, RunId: x.RunId}})
		sc.initiated["cancel"] = append(sc.initiated["cancel"], e.EventId)
	case *commandpb.Command_ScheduleNexusOperationCommandAttributes:
		x := a.ScheduleNexusOperationCommandAttributes
		e := sc.addEvent(&historypb.NexusOperationScheduledEventAttributes{Endpoint: x.Endpoint, Service: x.Service, Operation: x.Operation,
			Input: x.Input, ScheduleToCloseTimeout: x.ScheduleToCloseTimeout, NexusHeader: x.NexusHeader})
		sc.initiated["nexus"] = append(sc.initiated["nexus"], e.EventId)
	case *commandpb.Command_RequestCancelNexusOperationCommandAttributes:
		sc.addEvent(&historypb.NexusOperationCancelRequestedEventAttributes{
			ScheduledEventId: a.RequestCancelNexusOperationCommandAttributes.ScheduledEventId})
	case *commandpb.Command_ProtocolMessageCommandAttributes:
		sc.protocolEvent(t, a.ProtocolMessageCommandAttributes.MessageId, msgs)
	default:
		s.record(c)
	}
}

// protocolEvent writes the update event of a ProtocolMessage command.
func (sc *script) protocolEvent(t testing.TB, id string, msgs map[string]*protocolpb.Message) {
	m, ok := msgs[id]
	if !ok {
		sc.fatalf(t, "ProtocolMessage command for message %q the task did not send", id)
	}
	body, err := m.GetBody().UnmarshalNew()
	if err != nil {
		sc.fatalf(t, "message %s: %v", id, err)
	}
	switch b := body.(type) {
	case *updatepb.Acceptance:
		e := sc.addEvent(&historypb.WorkflowExecutionUpdateAcceptedEventAttributes{ProtocolInstanceId: m.ProtocolInstanceId,
			AcceptedRequestMessageId: b.AcceptedRequestMessageId, AcceptedRequestSequencingEventId: b.AcceptedRequestSequencingEventId, AcceptedRequest: b.AcceptedRequest})
		sc.accepted[m.ProtocolInstanceId] = e.EventId
	case *updatepb.Response:
		sc.addEvent(&historypb.WorkflowExecutionUpdateCompletedEventAttributes{
			Meta: b.Meta, AcceptedEventId: sc.accepted[m.ProtocolInstanceId], Outcome: b.Outcome})
	default:
		sc.fatalf(t, "ProtocolMessage command for message %s with body %T", id, body)
	}
}
