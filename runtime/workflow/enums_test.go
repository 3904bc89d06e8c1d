package workflow

import (
	"testing"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
)

// checkEnumMap checks that conv maps every value of a public enum, from 0
// up to its count sentinel, to the value want names, so that a value added
// to the public type without a case in its mapping fails here; and that
// the mapping sends values past the sentinel to the default, the mapping
// of the zero value.
func checkEnumMap[P ~int, I comparable](t *testing.T, count P, conv func(P) I, want map[P]I) {
	t.Helper()
	if len(want) != int(count) {
		t.Errorf("%T has %d values, the test table %d", count, count, len(want))
	}
	seen := map[I]P{}
	for v := P(0); v < count; v++ {
		got := conv(v)
		w, ok := want[v]
		switch {
		case !ok:
			t.Errorf("%T(%d) is missing from the test table", v, v)
		case got != w:
			t.Errorf("%T(%d) maps to %v, want %v", v, v, got, w)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("%T(%d) and %T(%d) both map to %v", prev, prev, v, v, got)
		}
		seen[got] = v
	}
	for _, v := range []P{-1, count, count + 7} {
		if got := conv(v); got != conv(0) {
			t.Errorf("undeclared %T(%d) maps to %v, want the default %v", v, v, got, conv(0))
		}
	}
}

func TestEnumMappings(t *testing.T) {
	checkEnumMap(t, numActivityCancellationTypes, ActivityCancellationType.sm, map[ActivityCancellationType]sm.ActivityCancellationType{
		ActivityCancellationTryCancel:     sm.TryCancel,
		ActivityCancellationWaitCompleted: sm.WaitCancellationCompleted,
		ActivityCancellationAbandon:       sm.Abandon,
	})
	checkEnumMap(t, numChildWorkflowCancellationTypes, ChildWorkflowCancellationType.sm, map[ChildWorkflowCancellationType]sm.ChildCancellationType{
		ChildWorkflowCancellationWaitCompleted: sm.ChildWaitCancellationCompleted,
		ChildWorkflowCancellationTryCancel:     sm.ChildTryCancel,
		ChildWorkflowCancellationAbandon:       sm.ChildAbandon,
		ChildWorkflowCancellationWaitRequested: sm.ChildWaitCancellationRequested,
	})
	checkEnumMap(t, numNexusOperationCancellationTypes, NexusOperationCancellationType.sm, map[NexusOperationCancellationType]sm.NexusCancellationType{
		NexusOperationCancellationWaitCompleted: sm.NexusWaitCompleted,
		NexusOperationCancellationTryCancel:     sm.NexusTryCancel,
		NexusOperationCancellationWaitRequested: sm.NexusWaitRequested,
		NexusOperationCancellationAbandon:       sm.NexusAbandon,
	})
	checkEnumMap(t, numHandlerUnfinishedPolicies, HandlerUnfinishedPolicy.engine, map[HandlerUnfinishedPolicy]engine.UnfinishedPolicy{
		HandlerUnfinishedPolicyWarnAndAbandon: engine.WarnAndAbandon,
		HandlerUnfinishedPolicyAbandon:        engine.Abandon,
	})
}

// TestEnumValuesStable pins the numbers users see, which the mappings
// above must not change.
func TestEnumValuesStable(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"ActivityCancellationTryCancel", int(ActivityCancellationTryCancel), 0},
		{"ActivityCancellationWaitCompleted", int(ActivityCancellationWaitCompleted), 1},
		{"ActivityCancellationAbandon", int(ActivityCancellationAbandon), 2},
		{"ChildWorkflowCancellationWaitCompleted", int(ChildWorkflowCancellationWaitCompleted), 0},
		{"ChildWorkflowCancellationTryCancel", int(ChildWorkflowCancellationTryCancel), 1},
		{"ChildWorkflowCancellationAbandon", int(ChildWorkflowCancellationAbandon), 2},
		{"ChildWorkflowCancellationWaitRequested", int(ChildWorkflowCancellationWaitRequested), 3},
		{"NexusOperationCancellationWaitCompleted", int(NexusOperationCancellationWaitCompleted), 0},
		{"NexusOperationCancellationTryCancel", int(NexusOperationCancellationTryCancel), 1},
		{"NexusOperationCancellationWaitRequested", int(NexusOperationCancellationWaitRequested), 2},
		{"NexusOperationCancellationAbandon", int(NexusOperationCancellationAbandon), 3},
		{"HandlerUnfinishedPolicyWarnAndAbandon", int(HandlerUnfinishedPolicyWarnAndAbandon), 0},
		{"HandlerUnfinishedPolicyAbandon", int(HandlerUnfinishedPolicyAbandon), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}
