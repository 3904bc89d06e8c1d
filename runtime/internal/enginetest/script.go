package enginetest

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	querypb "go.temporal.io/api/query/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// RunScripts runs every script file dir/*.txt against the workflow
// definitions in defs (by workflow type), one subtest per file. Run the
// tests with -rewrite to regenerate the expected output of every
// directive.
//
// A script is a list of directives in the datadriven format: a directive
// line, optional input lines, a "----" line and the expected output,
// separated from the next directive by a blank line; # starts a comment.
// A failure names the file and line of the directive (or of the input
// line) it comes from, for example
//
//	testdata/timers.txt:12: replaying the history with a new run gives a different output ...
//
// Each start begins a new simulated execution; the file's other
// directives act on the latest one:
//
//	start <Type>      start event, first task; input lines are start
//	                  options (input <json...>, memo <k> <json>,
//	                  search-attribute <k> <json> <Type>, attempt N,
//	                  cron "...", run-timeout D, task-timeout D,
//	                  execution-timeout D, retry-policy <max attempts>,
//	                  parent <wf> <run>, continued-from <run>,
//	                  last-result <json>, continued-failure "...",
//	                  header <k> <json>) or events, as for task
//	task              one event per input line, then a workflow task
//	resolve-local     local activity results for the waiting task, one per
//	                  line: <seq> completed [json] | <seq> failed "msg"
//	                  [type=T] [nonretryable] [attempt=N] [backoff=D]
//	query <name>      a legacy query; input lines are JSON arguments
//	replay [with=T]   replay the whole history as a replayer does, with
//	                  the script's workflow or with definition T
//	evict             drop the cached run: the next task replays
//	history           print the history
//	logs              print (and clear) what the live run logged
//
// Event lines for start and task:
//
//	advance <duration>                       move the clock
//	signal <name> [json...] [header=<json>]
//	cancel                                   workflow cancel request
//	timer <id> fired
//	activity <id> started|completed [json...]|failed "msg" [type=T] [nonretryable]|timedout [kind]|canceled [json]
//	child <workflow id> started|completed [json...]|failed "msg"|canceled|timedout|terminated|start-failed
//	external-signal <n> done|failed          the n-th signal the workflow sent (from 1)
//	external-cancel <n> done|failed          the n-th cancel request
//	nexus <n> started [token]|completed [json]|failed "msg"|canceled|timedout|cancel-done|cancel-failed
//	update <id> <name> [json...]             an update request delivered with the task
//	admitted-update <id> <name> [json...]    an UpdateAdmitted event
//	query <id> <name> [json...]              a query delivered with the task
//	task-failed                              a failed workflow task attempt
//	sdk-flags                                a completed task that used unknown SDK flags
//
// The output of a task is one line per command (its set proto fields,
// payloads as JSON, durations as Go durations), then the update messages,
// the query results, the local activities to run or cancel, or
// "error: <type>: <message>" when the task failed (the run is dropped
// and the next task replays the history with a new one, as a worker
// does).
//
// After every task the history is replayed with a new run given the
// same inputs; a replay whose output differs fails the test. At the end
// of each execution the whole history is replayed once more, as a
// replayer does, unless its last task failed or the script's last
// directive was a replay.
func RunScripts(t *testing.T, dir string, defs map[string]*engine.Definition) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in %s (%v)", dir, err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			sc := &script{defs: defs}
			datadriven.RunTest(t, path, sc.directive)
			sc.end(t)
		})
	}
}

// script is the state of one script file: one simulated execution.
type script struct {
	defs map[string]*engine.Definition
	sim  *Sim
	logs bytes.Buffer
	pos  string // of the directive running
	// startPos is the position of the execution's start directive.
	startPos string

	// What the server tracks to write resolution events.
	children  map[string]int64   // child workflow id -> initiated event
	initiated map[string][]int64 // "signal", "cancel", "nexus" -> initiated events, in order
	accepted  map[string]int64   // update id -> accepted event
	started   map[int64]bool     // scheduled event ids of started activities

	// pending is the task waiting for local activity results.
	pending *liveTask
	// dropped is set when the last task failed or the run was evicted:
	// the next task replays the history with a new run.
	dropped bool
	// lastFailed is set while the last task failed.
	lastFailed bool
	// replayed is set when the last directive replayed the whole history
	// with the script's workflow: its output was the final check.
	replayed bool
}

// liveTask is a task being answered, kept to replay it exactly: the same
// events, messages and queries, then the same local activity results.
type liveTask struct {
	task    engine.Task
	results [][]engine.LocalActivityResult
	outputs []string // rendered output of each step
}

// at prefixes the directive's position to the fatal errors of Sim.
type at struct {
	testing.TB
	pos string
}

func (a at) Fatalf(format string, args ...any) {
	a.TB.Helper()
	a.TB.Fatalf("%s: %s", a.pos, fmt.Sprintf(format, args...))
}

func (a at) Fatal(args ...any) {
	a.TB.Helper()
	a.TB.Fatalf("%s: %s", a.pos, fmt.Sprint(args...))
}

func (sc *script) fatalf(t testing.TB, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s: %s", sc.pos, fmt.Sprintf(format, args...))
}

func (sc *script) directive(t *testing.T, d *datadriven.TestData) string {
	sc.pos = d.Pos
	if sc.sim != nil {
		sc.sim.t = at{TB: t, pos: d.Pos}
	}
	if d.Cmd != "start" && sc.sim == nil {
		sc.fatalf(t, "%s before start", d.Cmd)
	}
	if d.Cmd != "start" { // start ends the last execution first
		sc.replayed = d.Cmd == "replay" && !d.HasArg("with")
	}
	switch d.Cmd {
	case "start":
		return sc.start(t, d)
	case "task":
		return sc.task(t, d)
	case "resolve-local":
		return sc.resolveLocal(t, d)
	case "query":
		return sc.query(t, d)
	case "replay":
		return sc.replay(t, d)
	case "history":
		var b strings.Builder
		for _, e := range sc.sim.events {
			b.WriteString(renderEvent(e) + "\n")
		}
		return b.String()
	case "evict":
		// As a worker whose cache dropped the run: the next task
		// replays the whole history with a new one.
		sc.sim.run.Close()
		sc.dropped = true
		return "ok\n"
	case "logs":
		out := sc.logs.String()
		sc.logs.Reset()
		if out == "" {
			return "no logs\n"
		}
		return out
	}
	sc.fatalf(t, "unknown directive %q (start, task, resolve-local, query, replay, evict, history, logs)", d.Cmd)
	return ""
}

// start adds the WorkflowExecutionStarted event, with the options and
// events of the directive's lines, and runs the first task.
func (sc *script) start(t *testing.T, d *datadriven.TestData) string {
	if sc.sim != nil {
		// A new execution: the last one gets its final check first.
		sc.end(t)
		*sc = script{defs: sc.defs, pos: sc.pos}
	}
	sc.startPos = d.Pos
	if len(d.CmdArgs) != 1 {
		sc.fatalf(t, "usage: start <workflow type>")
	}
	typ := d.CmdArgs[0].Key
	if sc.defs[typ] == nil {
		sc.fatalf(t, "no workflow %q in the script library", typ)
	}
	sc.sim = New(at{TB: t, pos: d.Pos}, nil)
	sc.sim.cfg.Lookup = sc.lookup(sc.defs)
	sc.sim.cfg.Logger = slog.New(slog.NewTextHandler(&sc.logs, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
	sc.children, sc.initiated, sc.accepted, sc.started = map[string]int64{}, map[string][]int64{}, map[string]int64{}, map[int64]bool{}
	attrs := &historypb.WorkflowExecutionStartedEventAttributes{
		WorkflowType: &commonpb.WorkflowType{Name: typ}, TaskQueue: &taskqueuepb.TaskQueue{Name: "q"},
		OriginalExecutionRunId: "run", FirstExecutionRunId: "run", Attempt: 1,
	}
	var rest []line
	for _, l := range sc.lines(t, d.Input) {
		if !sc.startOption(t, attrs, l) {
			rest = append(rest, l)
		}
	}
	sc.sim.run = engine.NewRun(sc.sim.cfg, "wf", "run")
	e := sc.sim.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, nil)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: attrs}
	return sc.runTask(t, rest)
}

func (sc *script) lookup(defs map[string]*engine.Definition) func(string) (*engine.Definition, bool) {
	return func(typ string) (*engine.Definition, bool) {
		d, ok := defs[typ]
		return d, ok
	}
}

// task adds the events of the directive's lines and runs a workflow task.
func (sc *script) task(t *testing.T, d *datadriven.TestData) string {
	if sc.pending != nil {
		sc.fatalf(t, "the last task waits for local activities: resolve them with resolve-local first")
	}
	return sc.runTask(t, sc.lines(t, d.Input))
}

func (sc *script) runTask(t *testing.T, lines []line) string {
	var msgs []*protocolpb.Message
	var queries map[string]*querypb.WorkflowQuery
	for _, l := range lines {
		switch l.word(0) {
		case "update":
			msgs = append(msgs, sc.updateMessage(t, l))
		case "query":
			if queries == nil {
				queries = map[string]*querypb.WorkflowQuery{}
			}
			id := l.word(1)
			queries[id] = &querypb.WorkflowQuery{QueryType: l.word(2), QueryArgs: sc.payloads(t, l, l.words[min(3, len(l.words)):])}
		default:
			sc.event(t, l)
		}
	}
	s := sc.sim
	s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, nil)
	started := s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, nil)
	for _, m := range msgs {
		m.SequencingId = &protocolpb.Message_EventId{EventId: started.EventId}
	}
	if sc.dropped {
		// The worker dropped the run: a new one replays from the start.
		s.run = engine.NewRun(s.cfg, "wf", "run")
		s.applied = 0
		sc.dropped = false
	}
	task := engine.Task{Events: s.events[s.applied:], StartedEventID: started.EventId, Messages: msgs, Queries: queries}
	s.applied = len(s.events)
	sc.pending = &liveTask{task: task}
	sc.pending.task.Events = s.events // replays see the whole history
	out, err := s.run.Step(engine.Input{Task: &task})
	return sc.settle(t, out, err)
}

// resolveLocal reports local activity results to the task waiting for
// them.
func (sc *script) resolveLocal(t *testing.T, d *datadriven.TestData) string {
	if sc.pending == nil {
		sc.fatalf(t, "no task waits for local activities")
	}
	var results []engine.LocalActivityResult
	for _, l := range sc.lines(t, d.Input) {
		results = append(results, sc.localResult(t, l))
	}
	sc.pending.results = append(sc.pending.results, results)
	out, err := sc.sim.run.Step(engine.Input{LocalResults: results})
	return sc.settle(t, out, err)
}

// settle renders a step's output; once the task can complete, it checks
// that a new run replaying the history does the same, records the
// completion and the command events, and keeps the run for the next task.
func (sc *script) settle(t *testing.T, out engine.Output, err error) string {
	s := sc.sim
	text := renderOutput(out, err)
	sc.pending.outputs = append(sc.pending.outputs, text)
	if err == nil && out.WaitLocal {
		return text
	}
	sc.checkReplay(t, out, err)
	sc.pending = nil
	sc.lastFailed = err != nil
	if err != nil {
		s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, nil)
		s.run.Close()
		sc.dropped = true
		return text
	}
	s.Commands = out.Commands
	s.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, nil)
	s.applied = len(s.events) - 1
	msgs := map[string]*protocolpb.Message{}
	for _, m := range out.Messages {
		msgs[m.GetId()] = m
	}
	for _, c := range out.Commands {
		sc.record(t, c, msgs)
	}
	return text
}

// checkReplay replays the history with a new run, with the same inputs as
// the live task, and fails the test if any output differs.
func (sc *script) checkReplay(t *testing.T, live engine.Output, liveErr error) {
	t.Helper()
	s, lt := sc.sim, sc.pending
	cfg := s.cfg
	cfg.Logger, cfg.Metrics = nil, nil
	r := engine.NewRun(cfg, "wf", "run")
	defer r.Close()
	task := lt.task
	out, err := r.Step(engine.Input{Task: &task})
	steps := []string{renderOutput(out, err)}
	for _, res := range lt.results {
		if err != nil || !out.WaitLocal {
			break
		}
		out, err = r.Step(engine.Input{LocalResults: res})
		steps = append(steps, renderOutput(out, err))
	}
	for i := range lt.outputs {
		if i >= len(steps) || steps[i] != lt.outputs[i] {
			got := "(no step)"
			if i < len(steps) {
				got = steps[i]
			}
			sc.fatalf(t, "replaying the history with a new run gives a different output at step %d:\nreplay:\n%slive:\n%s", i+1, got, lt.outputs[i])
		}
	}
	if liveErr == nil && err == nil {
		for i := range live.Commands {
			if !proto.Equal(live.Commands[i], out.Commands[i]) {
				sc.fatalf(t, "replay command %d differs:\nreplay: %v\nlive:   %v", i, out.Commands[i], live.Commands[i])
			}
		}
	}
}

// query answers a query against the live run (a legacy query task).
func (sc *script) query(t *testing.T, d *datadriven.TestData) string {
	if len(d.CmdArgs) != 1 {
		sc.fatalf(t, "usage: query <name>, with one JSON argument per line")
	}
	var args []string
	for _, l := range sc.lines(t, d.Input) {
		args = append(args, l.words...)
	}
	in := engine.Input{Query: &querypb.WorkflowQuery{QueryType: d.CmdArgs[0].Key, QueryArgs: sc.payloads(t, line{}, args)}}
	r := sc.sim.run
	if sc.dropped {
		// The run was dropped: a new one replays the history first.
		r = engine.NewRun(sc.sim.cfg, "wf", "run")
		defer r.Close()
		in.Task = &engine.Task{Events: sc.sim.events}
	}
	out, err := r.Step(in)
	if err != nil {
		return "error: " + errText(err) + "\n"
	}
	return renderQueryResult(out.QueryAnswer) + "\n"
}

// replay replays the whole history as a replayer does, with the script's
// workflow or, with with=Type, another definition under the same type.
func (sc *script) replay(t *testing.T, d *datadriven.TestData) string {
	defs := sc.defs
	if a, ok := d.Arg("with"); ok {
		other := sc.defs[a.SingleVal(t)]
		if other == nil {
			sc.fatalf(t, "no workflow %q in the script library", a.SingleVal(t))
		}
		typ := sc.sim.events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
		defs = map[string]*engine.Definition{typ: other}
	}
	if err := sc.replayWhole(defs); err != nil {
		return "error: " + errText(err) + "\n"
	}
	return "ok\n"
}

func (sc *script) replayWhole(defs map[string]*engine.Definition) error {
	cfg := sc.sim.cfg
	cfg.Logger, cfg.Metrics = nil, nil
	cfg.Lookup = sc.lookup(defs)
	r := engine.NewRun(cfg, "wf", "run")
	defer r.Close()
	_, err := r.Step(engine.Input{Task: &engine.Task{Events: sc.sim.events, Replay: true, Whole: true}})
	return err
}

// end replays the whole history of an execution once more, unless its
// last task failed (the check after that task compared the failures) or
// the script just did.
func (sc *script) end(t *testing.T) {
	if sc.sim == nil || t.Failed() {
		return
	}
	sc.sim.run.Close()
	if sc.lastFailed || sc.replayed {
		return
	}
	if err := sc.replayWhole(sc.defs); err != nil {
		t.Fatalf("%s: replaying the whole history of the execution started here: %v", sc.startPos, err)
	}
}

// renderOutput renders what a step asks the worker to do, one line each.
func renderOutput(out engine.Output, err error) string {
	if err != nil {
		return "error: " + errText(err) + "\n"
	}
	var b strings.Builder
	for _, c := range out.Commands {
		b.WriteString(renderCommand(c) + "\n")
	}
	for _, m := range out.Messages {
		b.WriteString(renderMessage(m) + "\n")
	}
	ids := make([]string, 0, len(out.QueryResults))
	for id := range out.QueryResults {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.WriteString("QueryResult " + id + " " + renderQueryResult(out.QueryResults[id]) + "\n")
	}
	for _, r := range out.RunLocal {
		fmt.Fprintf(&b, "RunLocal seq=%d activity_id=%s activity_type=%s attempt=%d", r.Seq, word(r.ActivityID), word(r.ActivityType), r.Attempt)
		if r.Input != nil {
			b.WriteString(" input=" + renderPayloads(r.Input))
		}
		b.WriteString("\n")
	}
	for _, seq := range out.CancelLocal {
		fmt.Fprintf(&b, "CancelLocal seq=%d\n", seq)
	}
	if out.WaitLocal {
		b.WriteString("waiting for local activities\n")
	}
	if b.Len() == 0 {
		return "no commands\n"
	}
	return b.String()
}

func renderQueryResult(q *querypb.WorkflowQueryResult) string {
	if q.GetResultType() == enumspb.QUERY_RESULT_TYPE_FAILED {
		return "failed " + word(firstLine(q.GetErrorMessage()))
	}
	if q.GetAnswer() == nil {
		return "answered"
	}
	return "answered " + renderPayloads(q.GetAnswer())
}

// errText is an error's text without what changes between builds (panic
// stacks).
func errText(err error) string {
	var pe *coro.PanicError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%T: %s", err, firstLine(pe.Error()))
	}
	return fmt.Sprintf("%T: %s", err, firstLine(err.Error()))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// payloads encodes JSON words as payloads, one each.
func (sc *script) payloads(t testing.TB, l line, words []string) *commonpb.Payloads {
	if len(words) == 0 {
		return nil
	}
	vals := make([]any, len(words))
	for i, w := range words {
		vals[i] = sc.json(t, w)
	}
	p, err := converter.Default().ToPayloads(vals...)
	if err != nil {
		sc.fatalf(t, "%v", err)
	}
	return p
}

func (sc *script) duration(t testing.TB, s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		sc.fatalf(t, "bad duration %q: %v", s, err)
	}
	return d
}
