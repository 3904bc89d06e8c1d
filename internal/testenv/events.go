package testenv

import (
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// HasEvent is a WaitHistory condition: an event of type et exists.
func HasEvent(et enumspb.EventType) func([]*historypb.HistoryEvent) bool {
	return func(evs []*historypb.HistoryEvent) bool { return Count(evs, et) > 0 }
}

// Count returns the number of events of any of the types.
func Count(evs []*historypb.HistoryEvent, types ...enumspb.EventType) int {
	n := 0
	for _, e := range evs {
		for _, et := range types {
			if e.EventType == et {
				n++
			}
		}
	}
	return n
}

// First returns the first event of type et, or nil.
func First(evs []*historypb.HistoryEvent, et enumspb.EventType) *historypb.HistoryEvent {
	if i := IndexOf(evs, et); i >= 0 {
		return evs[i]
	}
	return nil
}

// IndexOf returns the index of the first event of type et, or -1.
func IndexOf(evs []*historypb.HistoryEvent, et enumspb.EventType) int {
	for i, e := range evs {
		if e.EventType == et {
			return i
		}
	}
	return -1
}

// IndexOfLast returns the index of the last event of type et, or -1.
func IndexOfLast(evs []*historypb.HistoryEvent, et enumspb.EventType) int {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].EventType == et {
			return i
		}
	}
	return -1
}

// FormatHistory returns one line per event: its id and type, and for
// failures, markers and scheduled activities what they are about.
func FormatHistory(evs []*historypb.HistoryEvent) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %3d %s", e.EventId, strings.TrimPrefix(e.EventType.String(), "EVENT_TYPE_"))
		if a := e.GetWorkflowTaskFailedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " cause=%s msg=%.300q", a.Cause, a.GetFailure().GetMessage())
		}
		if a := e.GetWorkflowExecutionFailedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " msg=%.300q", a.GetFailure().GetMessage())
		}
		if a := e.GetMarkerRecordedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " %s", a.MarkerName)
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			fmt.Fprintf(&b, " %s", a.GetActivityType().GetName())
		}
		b.WriteByte('\n')
	}
	return b.String()
}
