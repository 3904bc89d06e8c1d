package sm

import (
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// markerEventFor builds the MarkerRecorded event of a RecordMarker command.
func markerEventFor(t *testing.T, ms *Machines, id int64) *historypb.HistoryEvent {
	t.Helper()
	p := ms.Pending()
	if len(p) == 0 {
		t.Fatalf("no pending command")
	}
	a := p[0].GetRecordMarkerCommandAttributes()
	return markerWithDetails(id, a.GetMarkerName(), a.GetDetails())
}

func TestRecordPatch(t *testing.T) {
	cv := searchAttrs(ChangeVersionAttrName)
	tests := []struct {
		name    string
		cv      *commonpb.SearchAttributes
		timer   bool // a StartTimer issued after the patch
		history func(marker *historypb.HistoryEvent) []*historypb.HistoryEvent
	}{
		{"marker and upsert", cv, false, func(m *historypb.HistoryEvent) []*historypb.HistoryEvent {
			return []*historypb.HistoryEvent{m, upserted(6, cv), wftScheduled(7)}
		}},
		{"upsert missing, history moves on", cv, false, func(m *historypb.HistoryEvent) []*historypb.HistoryEvent {
			return []*historypb.HistoryEvent{m, wftScheduled(6)}
		}},
		{"upsert missing, next command matches", cv, true, func(m *historypb.HistoryEvent) []*historypb.HistoryEvent {
			return []*historypb.HistoryEvent{m, timerStarted(6, "1")}
		}},
		{"no upsert asked", nil, false, func(m *historypb.HistoryEvent) []*historypb.HistoryEvent {
			return []*historypb.HistoryEvent{m, wftScheduled(6)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			ms.RecordPatch("p1", false, tt.cv)
			marker := markerEventFor(t, ms, 5)
			if id, deprecated, ok := PatchMarker(marker); id != "p1" || deprecated || !ok {
				t.Fatalf("PatchMarker(command's marker) = %q, %v, %v", id, deprecated, ok)
			}
			if tt.timer {
				ms.StartTimer(time.Second, func(bool) {})
			}
			want := []enumspb.CommandType{cMarker}
			if tt.cv != nil {
				want = append(want, enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
			}
			if tt.timer {
				want = append(want, cTimer)
			}
			if got := commandTypes(ms.TakeCommands()); !equalTypes(got, want) {
				t.Fatalf("TakeCommands() = %v, want %v", got, want)
			}
			apply(t, ms, append([]*historypb.HistoryEvent{wftCompleted(4, 2, 3)}, tt.history(marker)...)...)
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
		})
	}
}

func TestRecordPatchIDMismatch(t *testing.T) {
	ms := newMachines()
	ms.RecordPatch("p1", false, nil)
	ms.TakeCommands()
	_, err := ms.HandleEvent(markerWithDetails(5, PatchMarkerName, patchDetails("p2", false)))
	if nd := asND(t, err); nd.Actual != "RecordMarker(name=core_patch)" {
		t.Fatalf("error = %+v", nd)
	}
}

func TestPatchMarker(t *testing.T) {
	tests := []struct {
		name   string
		e      *historypb.HistoryEvent
		wantID string
		dep    bool
		ok     bool
	}{
		{"patch", markerWithDetails(5, PatchMarkerName, patchDetails("p", false)), "p", false, true},
		{"deprecated", markerWithDetails(5, PatchMarkerName, patchDetails("p", true)), "p", true, true},
		{"not a marker", timerStarted(5, "1"), "", false, false},
		{"other marker", markerWithDetails(5, "Version", patchDetails("p", false)), "", false, false},
		{"no details", markerRecorded(5, PatchMarkerName), "", false, false},
		{"bad json", markerWithDetails(5, PatchMarkerName, map[string]*commonpb.Payloads{
			patchDataKey: {Payloads: []*commonpb.Payload{{Data: []byte("{")}}}}), "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, dep, ok := PatchMarker(tt.e)
			if id != tt.wantID || dep != tt.dep || ok != tt.ok {
				t.Fatalf("PatchMarker() = %q, %v, %v", id, dep, ok)
			}
		})
	}
}

// Events that may have no command: a deprecated patch marker and a
// TemporalChangeVersion-only upsert. Others are nondeterministic.
func TestSkippableEvents(t *testing.T) {
	tests := []struct {
		name string
		e    *historypb.HistoryEvent
		skip bool
	}{
		{"deprecated patch marker", markerWithDetails(5, PatchMarkerName, patchDetails("p", true)), true},
		{"patch marker", markerWithDetails(5, PatchMarkerName, patchDetails("p", false)), false},
		{"change version upsert", upserted(5, searchAttrs(ChangeVersionAttrName)), true},
		{"upsert of more", upserted(5, searchAttrs(ChangeVersionAttrName, "Other")), false},
		{"other upsert", upserted(5, searchAttrs("Other")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			handled, err := ms.HandleEvent(tt.e)
			if !handled {
				t.Fatalf("handled = false")
			}
			if tt.skip != (err == nil) {
				t.Fatalf("skip=%v but err = %v", tt.skip, err)
			}
		})
	}
}

func TestLocalActivityMarker(t *testing.T) {
	bad := map[string]*commonpb.Payloads{"data": {Payloads: []*commonpb.Payload{{Data: []byte("{")}}}}
	tests := []struct {
		name         string
		cmd, event   map[string]*commonpb.Payloads
		wantExpected string // "" when they match
		wantActual   string
	}{
		{"same call", localDetails(1, "A"), localDetails(1, "A"), "", ""},
		{"other seq", localDetails(1, "A"), localDetails(2, "A"),
			"MarkerRecorded(name=core_local_activity, seq=2, type=A)", "RecordMarker(name=core_local_activity, seq=1, type=A)"},
		{"other type", localDetails(1, "A"), localDetails(1, "B"),
			"MarkerRecorded(name=core_local_activity, seq=1, type=B)", "RecordMarker(name=core_local_activity, seq=1, type=A)"},
		{"both unreadable", bad, bad, "", ""},
		{"event unreadable", localDetails(1, "A"), bad,
			"MarkerRecorded(name=core_local_activity)", "RecordMarker(name=core_local_activity, seq=1, type=A)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var seen int
			ms.RecordMarker(markerAttrs(localMarkerName), func(*historypb.HistoryEvent) { seen++ })
			ms.Pending()[0].GetRecordMarkerCommandAttributes().Details = tt.cmd
			ms.TakeCommands()
			_, err := ms.HandleEvent(markerWithDetails(5, localMarkerName, tt.event))
			if tt.wantExpected == "" {
				if err != nil || seen != 1 {
					t.Fatalf("err = %v, onEvent calls = %d", err, seen)
				}
				return
			}
			if nd := asND(t, err); nd.Expected != tt.wantExpected || nd.Actual != tt.wantActual || seen != 0 {
				t.Fatalf("error = %+v, onEvent calls = %d", nd, seen)
			}
		})
	}
}

func TestUpsertAndModifyProperties(t *testing.T) {
	ms := newMachines()
	sa := searchAttrs("Color")
	ms.UpsertSearchAttributes(sa)
	ms.ModifyProperties(&commonpb.Memo{Fields: map[string]*commonpb.Payload{"k": {Data: []byte("v")}}})
	cmds := ms.TakeCommands()
	if got := commandTypes(cmds); !equalTypes(got, []enumspb.CommandType{enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
		enumspb.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES}) {
		t.Fatalf("TakeCommands() = %v", got)
	}
	if cmds[0].GetUpsertWorkflowSearchAttributesCommandAttributes().GetSearchAttributes() != sa ||
		string(cmds[1].GetModifyWorkflowPropertiesCommandAttributes().GetUpsertedMemo().GetFields()["k"].GetData()) != "v" {
		t.Fatalf("commands = %v", cmds)
	}
	apply(t, ms, wftCompleted(4, 2, 3), upserted(5, sa), propertiesModified(6))
	if err := ms.Unmatched(); err != nil {
		t.Fatalf("Unmatched() = %v", err)
	}
	for _, id := range []int64{5, 6} {
		_, err := ms.HandleEvent(actCompleted(7, id, 0, nil))
		if nd := asND(t, err); nd.Actual != "no further events" {
			t.Fatalf("event for a recorded command %d: %+v", id, nd)
		}
	}
}

func TestProtocolMessages(t *testing.T) {
	ms := newMachines()
	ms.ProtocolMessage("u1/accept", "u1")
	ms.ProtocolMessage("u1/complete", "u1")
	ms.ProtocolMessage("u2/accept", "u2")
	cmds := ms.TakeCommands()
	if len(cmds) != 3 || cmds[0].GetProtocolMessageCommandAttributes().GetMessageId() != "u1/accept" {
		t.Fatalf("TakeCommands() = %v", cmds)
	}
	apply(t, ms, wftCompleted(4, 2, 3), updateAccepted(5, "u1"), updateCompleted(6, "u1"),
		ev(7, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED))
	if err := ms.Unmatched(); err != nil {
		t.Fatalf("Unmatched() = %v", err)
	}

	for _, e := range []*historypb.HistoryEvent{updateAccepted(5, "u9"), updateCompleted(5, "u9"), timerStarted(5, "1")} {
		ms := newMachines()
		ms.ProtocolMessage("u1/accept", "u1")
		ms.TakeCommands()
		_, err := ms.HandleEvent(e)
		if nd := asND(t, err); nd.Actual != "ProtocolMessage(messageId=u1/accept)" {
			t.Fatalf("%s: error = %+v", e.EventType, nd)
		}
	}
}
