package sm

import (
	"encoding/json"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// Patch markers record, in history, that a workflow took the patched code
// path. Their format (name "core_patch", a json/plain {"id","deprecated"}
// under "patch-data") must never change.
const (
	PatchMarkerName       = "core_patch"
	patchDataKey          = "patch-data"
	ChangeVersionAttrName = "TemporalChangeVersion"
)

// patchTable is the lifecycle of a patch marker; changeVersionTable that
// of the upsert that follows it, which history may lack (recorded
// histories from before the upsert existed).
var (
	patchTable         = recordTable("patch marker", noFurtherEvents, enumspb.EVENT_TYPE_MARKER_RECORDED)
	changeVersionTable = newTable("change version upsert", noFurtherEvents,
		recordMoves(enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
		one(recordSent, callSkipped, recordSkipped))
)

type patchData struct {
	ID         string `json:"id"`
	Deprecated bool   `json:"deprecated"`
}

// PatchMarker returns the id and deprecated flag of a patch marker event.
func PatchMarker(e *historypb.HistoryEvent) (id string, deprecated, ok bool) {
	a := e.GetMarkerRecordedEventAttributes()
	if a == nil || a.MarkerName != PatchMarkerName {
		return "", false, false
	}
	ps := a.GetDetails()[patchDataKey].GetPayloads()
	if len(ps) == 0 {
		return "", false, false
	}
	var d patchData
	if err := json.Unmarshal(ps[0].GetData(), &d); err != nil {
		return "", false, false
	}
	return d.ID, d.Deprecated, true
}

// RecordPatch issues the marker of a patch and, when changeVersion is not
// nil, the upsert of the TemporalChangeVersion search attribute that
// follows it. The upsert is optional when matching history: recorded
// histories may lack it.
func (ms *Machines) RecordPatch(id string, deprecated bool, changeVersion *commonpb.SearchAttributes) {
	data, _ := json.Marshal(patchData{ID: id, Deprecated: deprecated})
	ms.RecordMarker(&commandpb.RecordMarkerCommandAttributes{
		MarkerName: PatchMarkerName,
		Details: map[string]*commonpb.Payloads{patchDataKey: {Payloads: []*commonpb.Payload{{
			Metadata: map[string][]byte{"encoding": []byte("json/plain")},
			Data:     data,
		}}}},
	}, nil)
	if changeVersion != nil {
		ms.upsert(changeVersionTable, changeVersion).optional = true
	}
}

// skippable reports whether history event e may have no command: a
// deprecated patch marker (the patch was removed from the code) or a
// TemporalChangeVersion upsert.
func skippable(e *historypb.HistoryEvent) bool {
	if _, deprecated, ok := PatchMarker(e); ok {
		return deprecated
	}
	if e.EventType == enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES {
		f := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()
		_, ok := f[ChangeVersionAttrName]
		return ok && len(f) == 1
	}
	return false
}

// patchIDsMatch compares the patch ids of a marker command and event.
func patchIDsMatch(c *commandpb.RecordMarkerCommandAttributes, e *historypb.HistoryEvent) bool {
	if c.MarkerName != PatchMarkerName {
		return true
	}
	var d patchData
	ps := c.GetDetails()[patchDataKey].GetPayloads()
	if len(ps) == 0 || json.Unmarshal(ps[0].GetData(), &d) != nil {
		return false
	}
	id, _, ok := PatchMarker(e)
	return ok && id == d.ID
}
