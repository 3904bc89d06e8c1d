package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// markerTable is the lifecycle of a marker other than a patch or local
// activity marker (those have their own tables, in patch.go and local.go).
var markerTable = recordTable("marker", noFurtherEvents, enumspb.EVENT_TYPE_MARKER_RECORDED)

// RecordMarker issues a RecordMarker command; onEvent sees the recorded
// event (nil callback is fine).
func (ms *Machines) RecordMarker(attrs *commandpb.RecordMarkerCommandAttributes, onEvent func(*historypb.HistoryEvent)) {
	tab := markerTable
	switch attrs.GetMarkerName() {
	case PatchMarkerName:
		tab = patchTable
	case localMarkerName:
		tab = localMarkerTable
	}
	ms.pushRecord(tab, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_RECORD_MARKER,
		Attributes:  &commandpb.Command_RecordMarkerCommandAttributes{RecordMarkerCommandAttributes: attrs},
	}, onEvent)
}
