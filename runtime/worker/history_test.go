package worker

import (
	"testing"

	historypb "go.temporal.io/api/history/v1"
)

func TestPlanHistory(t *testing.T) {
	tests := []struct {
		name       string
		cachedLast int64 // 0: nothing cached
		query      bool
		first      int64 // 0: the task brings no events
		want       historyPlan
	}{
		{"new run, whole history in the task", 0, false, 1, historyPlan{}},
		{"new run, partial history", 0, false, 12, historyPlan{fetchFull: true}},
		{"new run, no events", 0, false, 0, historyPlan{fetchFull: true}},
		{"cached run, events follow on", 10, false, 11, historyPlan{}},
		{"cached run, gap before the events", 10, false, 14, historyPlan{dropCached: true, fetchFull: true}},
		{"cached run, events it has applied", 10, false, 9, historyPlan{dropCached: true, fetchFull: true}},
		{"cached run, task from the start", 10, false, 1, historyPlan{dropCached: true}},
		{"cached run, no events", 10, false, 0, historyPlan{dropCached: true, fetchFull: true}},
		{"query, cached run used as it is", 10, true, 0, historyPlan{}},
		{"query, cached run with older events", 10, true, 3, historyPlan{}},
		{"query, nothing cached, partial history", 0, true, 5, historyPlan{fetchFull: true}},
		{"query, nothing cached, whole history", 0, true, 1, historyPlan{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planHistory(tt.cachedLast, tt.query, tt.first); got != tt.want {
				t.Errorf("planHistory(%d, %v, %d) = %+v, want %+v", tt.cachedLast, tt.query, tt.first, got, tt.want)
			}
		})
	}
}

func ids(events []*historypb.HistoryEvent) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.EventId
	}
	return out
}

func events(from, to int64) []*historypb.HistoryEvent {
	var out []*historypb.HistoryEvent
	for id := from; id <= to; id++ {
		out = append(out, &historypb.HistoryEvent{EventId: id})
	}
	return out
}

func TestHistorySlices(t *testing.T) {
	tests := []struct {
		name string
		got  []*historypb.HistoryEvent
		want []int64
	}{
		{"trim past the started event", trimAfter(events(1, 9), 6), []int64{1, 2, 3, 4, 5, 6}},
		{"trim without started id", trimAfter(events(1, 3), 0), []int64{1, 2, 3}},
		{"unpersisted events follow on", appendUnpersisted(events(1, 5), events(4, 7)), []int64{1, 2, 3, 4, 5, 6, 7}},
		{"partial history not adjacent", appendUnpersisted(events(1, 5), events(8, 9)), []int64{1, 2, 3, 4, 5}},
		{"after an id", after(events(1, 6), 4), []int64{5, 6}},
		{"after the last id", after(events(1, 3), 3), []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(tt.got)
			if len(got) != len(tt.want) {
				t.Fatalf("ids %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("ids %v, want %v", got, tt.want)
				}
			}
		})
	}
}
