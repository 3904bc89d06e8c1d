package sm_test

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/sm"
)

// A timer: issued by workflow code, sent, then matched against the
// history that records it, and fired.
func Example() {
	ms := sm.New()
	ms.Observe(func(tr sm.Transition) { fmt.Printf("%s: %s -%s-> %s\n", tr.Machine, tr.From, tr.Trigger, tr.To) })
	ms.StartTimer(time.Minute, func(canceled bool) { fmt.Println("fired, canceled:", canceled) })
	for _, c := range ms.TakeCommands() {
		fmt.Println("command:", c.CommandType)
	}
	for _, e := range []*historypb.HistoryEvent{
		{EventId: 5, EventType: enumspb.EVENT_TYPE_TIMER_STARTED, Attributes: &historypb.HistoryEvent_TimerStartedEventAttributes{
			TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{TimerId: "1"}}},
		{EventId: 6, EventType: enumspb.EVENT_TYPE_TIMER_FIRED, Attributes: &historypb.HistoryEvent_TimerFiredEventAttributes{
			TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{TimerId: "1", StartedEventId: 5}}},
	} {
		if _, err := ms.HandleEvent(e); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// timer: created -sent-> sent
	// command: StartTimer
	// timer: sent -TimerStarted-> started
	// timer: started -TimerFired-> fired
	// fired, canceled: false
}
