package testenv_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
)

func ExampleLogBuffer() {
	var logs testenv.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	log.Warn("slow task", "ms", 1200)
	log.Info("done")
	fmt.Println(logs.Lines("WARN"))
	fmt.Println(logs.Contains("done"))
	// Output:
	// [level=WARN msg="slow task" ms=1200]
	// true
}

func TestUniqueID(t *testing.T) {
	a, b := testenv.UniqueID("tq-TestX/sub case"), testenv.UniqueID("tq-TestX/sub case")
	if a == b {
		t.Errorf("UniqueID returned %q twice", a)
	}
	if !strings.HasPrefix(a, "tq-TestX-sub_case-") || len(a) != len("tq-TestX-sub_case-")+8 {
		t.Errorf("UniqueID = %q", a)
	}
}

func TestEvents(t *testing.T) {
	ev := func(id int64, et enumspb.EventType) *historypb.HistoryEvent {
		return &historypb.HistoryEvent{EventId: id, EventType: et}
	}
	sched, done := enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
	evs := []*historypb.HistoryEvent{ev(1, sched), ev(2, done), ev(3, sched), ev(4, done)}
	if n := testenv.Count(evs, sched); n != 2 {
		t.Errorf("Count(sched) = %d", n)
	}
	if n := testenv.Count(evs, sched, done); n != 4 {
		t.Errorf("Count(sched, done) = %d", n)
	}
	if i, j := testenv.IndexOf(evs, done), testenv.IndexOfLast(evs, done); i != 1 || j != 3 {
		t.Errorf("IndexOf, IndexOfLast = %d, %d", i, j)
	}
	if e := testenv.First(evs, done); e.GetEventId() != 2 {
		t.Errorf("First = %v", e)
	}
	if e := testenv.First(evs, enumspb.EVENT_TYPE_TIMER_FIRED); e != nil {
		t.Errorf("First of a missing type = %v", e)
	}
	if !testenv.HasEvent(sched)(evs) || testenv.HasEvent(enumspb.EVENT_TYPE_TIMER_FIRED)(evs) {
		t.Error("HasEvent is wrong")
	}
	if got, want := testenv.FormatHistory(evs[:2]), "    1 WorkflowTaskScheduled\n    2 WorkflowTaskCompleted\n"; got != want {
		t.Errorf("FormatHistory = %q, want %q", got, want)
	}
}

func TestForEachCache(t *testing.T) {
	var sizes []int
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) { sizes = append(sizes, cacheSize) })
	if len(sizes) != 2 || sizes[0] == 0 || sizes[1] != 0 {
		t.Errorf("cache sizes %v, want the default and 0", sizes)
	}
}
