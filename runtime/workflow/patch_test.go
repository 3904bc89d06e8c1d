package workflow_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/enginetest"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// The four code generations of a patched workflow.
var generations = []func(ctx workflow.Context) (string, error){
	// 1: before the patch.
	func(ctx workflow.Context) (string, error) { return step(ctx, "Old") },
	// 2: patched.
	func(ctx workflow.Context) (string, error) {
		if workflow.Patched(ctx, "use-new") {
			return step(ctx, "New")
		}
		return step(ctx, "Old")
	},
	// 3: patch deprecated.
	func(ctx workflow.Context) (string, error) {
		workflow.DeprecatePatch(ctx, "use-new")
		return step(ctx, "New")
	},
	// 4: patch removed.
	func(ctx workflow.Context) (string, error) { return step(ctx, "New") },
}

func step(ctx workflow.Context, activity string) (string, error) {
	if err := workflow.Sleep(ctx, time.Minute); err != nil {
		return "", err
	}
	return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, activity).Get(ctx)
}

func wf(fn func(ctx workflow.Context) (string, error)) engine.WorkflowFunc {
	return func(ctx *engine.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		s, err := fn(ctx)
		if err != nil {
			return nil, err
		}
		return workflow.PayloadConverter(ctx).ToPayloads(s)
	}
}

// record runs generation g to completion and returns its history.
func record(t *testing.T, g int) []*historypb.HistoryEvent {
	s := enginetest.New(t, wf(generations[g])).Start(nil)
	s.FireTimer("1").Task()
	s.CompleteActivity("1", "done").Task()
	return s.Events()
}

func TestPatchGenerations(t *testing.T) {
	histories := make([][]*historypb.HistoryEvent, len(generations))
	for g := range generations {
		histories[g] = record(t, g)
	}
	// A patched run records the marker and the TemporalChangeVersion upsert.
	var marker, upsert bool
	for _, e := range histories[1] {
		marker = marker || e.GetMarkerRecordedEventAttributes().GetMarkerName() == "core_patch"
		upsert = upsert || e.EventType == enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
	}
	if !marker || !upsert {
		t.Fatalf("patched history: marker=%v upsert=%v", marker, upsert)
	}
	// ok[code][history]: whether code generation replays a history
	// recorded by generation.
	ok := [4][4]bool{
		{true, false, false, false},
		{true, true, true, false},
		{false, true, true, false},
		{false, false, true, true},
	}
	for code := range generations {
		for hist := range generations {
			if hist > code && !(code == 1 && hist == 2) {
				continue // newer histories are not expected to replay on older code
			}
			t.Run(fmt.Sprintf("code%d/history%d", code+1, hist+1), func(t *testing.T) {
				err := enginetest.ReplayWith(histories[hist], wf(generations[code]))
				var nd *temporal.NondeterminismError
				switch {
				case ok[code][hist] && err != nil:
					t.Fatalf("expected replay to succeed: %v", err)
				case !ok[code][hist] && !errors.As(err, &nd):
					t.Fatalf("expected NondeterminismError, got %v", err)
				}
			})
		}
	}
}
