package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// recordState is the state of a command that needs nothing after the
// event that records it: markers, upserts, workflow completion, cancel
// requests, protocol messages.
type recordState int

const (
	recordIssued   recordState = iota // issued by workflow code, not sent
	recordSent                        // sent, waiting for its event
	recordRecorded                    // history recorded it
	recordSkipped                     // optional, and history has no event for it
)

func (s recordState) String() string {
	return name(int(s), "issued", "sent", "recorded", "skipped")
}

// recordTable declares the table of a record-only command: sent, then
// recorded by one of the events of the given types. Any later event for
// it is nondeterministic, reported with Actual what.
func recordTable(machine, what string, events ...enumspb.EventType) *table[recordState] {
	return newTable(machine, what, recordMoves(events...))
}

// recordMoves are the moves of a record-only command recorded by events
// of the given types.
func recordMoves(events ...enumspb.EventType) []move[recordState] {
	return append(one(recordIssued, callSent, recordSent),
		moves([]recordState{recordSent}, ons(events...), recordRecorded)...)
}

// record is the machine of a record-only command.
type record struct {
	ms      *Machines
	tab     *table[recordState]
	state   recordState
	onEvent func(*historypb.HistoryEvent)
}

// pushRecord issues a record-only command whose lifecycle is tab.
func (ms *Machines) pushRecord(tab *table[recordState], cmd *commandpb.Command, onEvent func(*historypb.HistoryEvent)) *entry {
	return ms.push(cmd, &record{ms: ms, tab: tab, onEvent: onEvent})
}

func (r *record) sent() { r.tab.fire(r.ms, &r.state, callSent) }

// skip is called when history moved on without the optional command.
func (r *record) skip() { r.tab.fire(r.ms, &r.state, callSkipped) }

func (r *record) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	if err := r.tab.take(r.ms, &r.state, e); err != nil {
		return err
	}
	if r.onEvent != nil {
		r.onEvent(e)
	}
	return nil
}

func (r *record) event(e *historypb.HistoryEvent) error {
	return r.tab.take(r.ms, &r.state, e)
}
