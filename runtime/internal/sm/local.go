package sm

import (
	"encoding/json"
	"fmt"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

// localMarkerName names local activity markers (engine.LocalActivityMarkerName).
const localMarkerName = "core_local_activity"

// localMarkerTable is the lifecycle of a local activity marker: the
// engine runs the activity and records its outcome in one marker.
var localMarkerTable = recordTable("local activity marker", noFurtherEvents, enumspb.EVENT_TYPE_MARKER_RECORDED)

// localMarkerKey is the part of a local activity marker's "data" detail
// that identifies the call: replaying code must make the same call.
type localMarkerKey struct {
	Seq          int64  `json:"seq"`
	ActivityType string `json:"activity_type"`
}

func localKey(details map[string]*commonpb.Payloads) (localMarkerKey, bool) {
	var k localMarkerKey
	ps := details["data"].GetPayloads()
	if len(ps) == 0 || json.Unmarshal(ps[0].GetData(), &k) != nil {
		return k, false
	}
	return k, true
}

// localMarkersMatch compares the sequence number and activity type of a
// local activity marker command and event; other markers match.
func localMarkersMatch(c *commandpb.RecordMarkerCommandAttributes, e *commandpb.RecordMarkerCommandAttributes) bool {
	if c.MarkerName != localMarkerName {
		return true
	}
	ck, cok := localKey(c.GetDetails())
	ek, eok := localKey(e.GetDetails())
	if !cok || !eok {
		return cok == eok
	}
	return ck == ek
}

// describeMarker renders a marker for nondeterminism messages.
func describeMarker(what, name string, details map[string]*commonpb.Payloads) string {
	if name == localMarkerName {
		if k, ok := localKey(details); ok {
			return fmt.Sprintf("%s(name=%s, seq=%d, type=%s)", what, name, k.Seq, k.ActivityType)
		}
	}
	return fmt.Sprintf("%s(name=%s)", what, name)
}
