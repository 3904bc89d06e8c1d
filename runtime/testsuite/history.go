package testsuite

import (
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
)

// History returns the recorded history of the workflow under test.
func (r *Result) History() *historypb.History {
	return &historypb.History{Events: r.x.events}
}

// HistoryJSON returns the history in the JSON form that `temporal
// workflow show --output json` writes and worker.Replayer reads: save it
// as a replay fixture.
func (r *Result) HistoryJSON() ([]byte, error) {
	return temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(r.History())
}
