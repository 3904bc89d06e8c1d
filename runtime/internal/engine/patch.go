package engine

import (
	"encoding/json"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// maxChangeVersionSize is the size from which the TemporalChangeVersion
// upsert is skipped, so that many patches cannot exceed the server's limit.
const maxChangeVersionSize = 2048

// patchesAhead returns the ids of the patch markers among the command
// events that start at events[0].
func patchesAhead(events []*historypb.HistoryEvent) map[string]bool {
	var out map[string]bool
	for _, e := range events {
		if !sm.IsCommandEvent(e.EventType) {
			break
		}
		if id, _, ok := sm.PatchMarker(e); ok {
			if out == nil {
				out = make(map[string]bool)
			}
			out[id] = true
		}
	}
	return out
}

// Patched reports whether the workflow should take the patched code path
// for patch id. New executions always do, and a marker records it;
// replays do exactly when history has the marker. The answer is fixed for
// the rest of the run. With deprecated, the marker says the old path is
// gone (DeprecatePatch).
func (c *Context) Patched(id string, deprecated bool) bool {
	r := c.run
	if v, ok := r.patches[id]; ok {
		return v
	}
	if r.readOnly {
		panic(&temporal.ReadOnlyContextError{Op: "Patched"})
	}
	use := !r.replaying || r.patchAhead[id]
	lazily(&r.patches)[id] = use
	if !use {
		return false
	}
	r.patchIDs = append(r.patchIDs, id)
	var sa *commonpb.SearchAttributes
	if data, err := json.Marshal(r.patchIDs); err == nil && len(data) < maxChangeVersionSize {
		sa = &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{sm.ChangeVersionAttrName: {
			Metadata: map[string][]byte{"encoding": []byte("json/plain"), "type": []byte("KeywordList")},
			Data:     data,
		}}}
	}
	r.ms.RecordPatch(id, deprecated, sa)
	return true
}
