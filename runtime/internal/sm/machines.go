package sm

import (
	"fmt"
	"strconv"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	sdkpb "go.temporal.io/api/sdk/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// machine is a state machine that owns one or more commands.
type machine interface {
	// sent is called when TakeCommands hands the machine's command to the
	// caller.
	sent()
	// commandEvent is called with the history event that mirrors the
	// command cmd of this machine.
	commandEvent(cmd *commandpb.Command, e *historypb.HistoryEvent) error
	// event is called with a later event whose initiating id is the id of
	// one of this machine's command events.
	event(e *historypb.HistoryEvent) error
}

type entry struct {
	cmd      *commandpb.Command
	m        machine
	sent     bool
	dropped  bool
	optional bool // may be missing from history
}

// Machines holds the state machines of one workflow run.
type Machines struct {
	queue    []*entry              // commands not yet matched, in issue order
	byEvent  map[int64]machine     // command event id -> machine
	seq      map[string]int64      // per-kind sequence numbers for ids
	observe  func(Transition)      // see Observe
	updates  map[string]*Update    // by update id
	messages []*protocolpb.Message // outgoing, for TakeMessages
}

// New returns an empty set of machines.
func New() *Machines {
	return &Machines{byEvent: make(map[int64]machine), seq: make(map[string]int64)}
}

// NextSeq returns the next number (starting at 1) of the named sequence.
// Ids derived from it depend only on the order of calls in workflow code.
func (ms *Machines) NextSeq(kind string) int64 {
	ms.seq[kind]++
	return ms.seq[kind]
}

func (ms *Machines) nextID(kind string) string {
	return strconv.FormatInt(ms.NextSeq(kind), 10)
}

func (ms *Machines) push(cmd *commandpb.Command, m machine) *entry {
	e := &entry{cmd: cmd, m: m}
	ms.queue = append(ms.queue, e)
	return e
}

// AnnotateLast sets the user metadata (summary and details the Web UI
// shows) of the command issued last; nil leaves it without.
func (ms *Machines) AnnotateLast(md *sdkpb.UserMetadata) {
	if md != nil && len(ms.queue) > 0 {
		ms.queue[len(ms.queue)-1].cmd.UserMetadata = md
	}
}

// drop removes a command that has not been sent yet.
func (ms *Machines) drop(e *entry) {
	e.dropped = true
}

// skip drops an optional command that history moved past without
// recording it.
func (ms *Machines) skip(e *entry) {
	e.dropped = true
	e.m.(*record).skip()
}

// send marks e sent.
func send(e *entry) {
	e.sent = true
	e.m.sent()
}

// TakeCommands returns the commands issued since the last call, in order,
// and marks them sent. Non-terminal commands come before the first terminal
// one; commands after it are discarded.
func (ms *Machines) TakeCommands() []*commandpb.Command {
	var out []*commandpb.Command
	var terminal *entry
	kept := ms.queue[:0]
	for _, e := range ms.queue {
		if e.dropped {
			continue
		}
		if !e.sent {
			if isTerminal(e.cmd.CommandType) {
				if terminal != nil {
					continue
				}
				terminal = e
				send(e)
				kept = append(kept, e)
				continue
			}
			send(e)
			out = append(out, e.cmd)
		}
		kept = append(kept, e)
	}
	clear(ms.queue[len(kept):])
	ms.queue = kept
	if terminal != nil {
		// Keep the queue in the order the commands were sent.
		for i, e := range ms.queue {
			if e == terminal {
				copy(ms.queue[i:], ms.queue[i+1:])
				ms.queue[len(ms.queue)-1] = terminal
				break
			}
		}
		out = append(out, terminal.cmd)
	}
	return out
}

// Pending returns the commands issued but not yet sent, without marking
// them; it is meant for tests and diagnostics.
func (ms *Machines) Pending() []*commandpb.Command {
	var out []*commandpb.Command
	for _, e := range ms.queue {
		if !e.sent && !e.dropped {
			out = append(out, e.cmd)
		}
	}
	return out
}

// Unmatched returns an error if commands were sent but history has no
// events for them. Callers check it when the history moves past the
// command events of a workflow task, and at the end of a replay.
func (ms *Machines) Unmatched() error {
	for _, e := range ms.queue {
		if e.sent && !e.dropped && e.optional {
			ms.skip(e) // history moved on without it
		}
		if e.sent && !e.dropped {
			return &temporal.NondeterminismError{Actual: describeCommand(e.cmd)}
		}
	}
	return nil
}

// HasTerminal reports whether a workflow-closing command has been issued.
func (ms *Machines) HasTerminal() bool {
	for _, e := range ms.queue {
		if !e.dropped && isTerminal(e.cmd.CommandType) {
			return true
		}
	}
	return false
}

// HandleEvent applies one history event. It returns false for events that
// are not about commands (WorkflowExecutionStarted, signals, workflow task
// events, ...), which the caller handles.
func (ms *Machines) HandleEvent(e *historypb.HistoryEvent) (bool, error) {
	if IsCommandEvent(e.EventType) {
		return true, ms.matchCommand(e)
	}
	id := InitiatingEventID(e)
	if id == 0 {
		// Not a command event and not a resolution: history has moved
		// past the command events of the last completed task.
		if e.EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			if err := ms.Unmatched(); err != nil {
				nd := err.(*temporal.NondeterminismError)
				nd.EventID = e.EventId
				return false, nd
			}
		}
		return false, nil
	}
	if err := ms.Unmatched(); err != nil {
		nd := err.(*temporal.NondeterminismError)
		nd.EventID = e.EventId
		return true, nd
	}
	m, ok := ms.byEvent[id]
	if !ok {
		return true, &temporal.NondeterminismError{EventID: e.EventId, Expected: describeEvent(e),
			Actual: fmt.Sprintf("no command whose event is %d", id)}
	}
	return true, m.event(e)
}

func (ms *Machines) matchCommand(ev *historypb.HistoryEvent) error {
	var e *entry
	for {
		e = nil
		for len(ms.queue) > 0 && ms.queue[0].dropped {
			ms.queue = ms.queue[1:]
		}
		if len(ms.queue) > 0 && ms.queue[0].sent {
			e = ms.queue[0]
			if commandMatches(e.cmd, ev) {
				break
			}
			if e.optional {
				ms.skip(e)
				continue
			}
		}
		if skippable(ev) {
			return nil
		}
		if e == nil {
			return &temporal.NondeterminismError{EventID: ev.EventId, Expected: describeEvent(ev)}
		}
		return &temporal.NondeterminismError{EventID: ev.EventId, Expected: describeEvent(ev), Actual: describeCommand(e.cmd)}
	}
	ms.queue[0] = nil
	ms.queue = ms.queue[1:]
	ms.byEvent[ev.EventId] = e.m
	return e.m.commandEvent(e.cmd, ev)
}

// unexpected builds the error for an event a machine cannot take in its
// current state.
func unexpected(ev *historypb.HistoryEvent, what string) error {
	return &temporal.NondeterminismError{EventID: ev.EventId, Expected: describeEvent(ev), Actual: what}
}

// PeekSeq returns the last number drawn from the named sequence.
func (ms *Machines) PeekSeq(kind string) int64 { return ms.seq[kind] }
