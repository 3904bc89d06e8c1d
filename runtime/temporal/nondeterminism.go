package temporal

import "fmt"

// NondeterminismError reports that workflow code, replayed against its
// history, issued different commands than the ones the history recorded.
// Its message carries the stable code [TMPRL1100].
type NondeterminismError struct {
	WorkflowID string // set by the worker or replayer when known
	RunID      string
	EventID    int64  // the history event that did not match, 0 if none
	Expected   string // what the history recorded, e.g. "ActivityTaskScheduled(activityId=1, type=Charge)"
	Actual     string // what the workflow code issued, e.g. "StartTimer(timerId=1)"
}

func (e *NondeterminismError) Error() string {
	where := ""
	if e.WorkflowID != "" {
		where = fmt.Sprintf(" (workflow %s, run %s)", e.WorkflowID, e.RunID)
	}
	switch {
	case e.Actual == "":
		return fmt.Sprintf("[TMPRL1100] nondeterministic workflow%s: history event %d is %s but workflow code issued no matching command", where, e.EventID, e.Expected)
	case e.Expected == "":
		return fmt.Sprintf("[TMPRL1100] nondeterministic workflow%s: workflow code issued %s but history has no matching event", where, e.Actual)
	default:
		return fmt.Sprintf("[TMPRL1100] nondeterministic workflow%s: history event %d is %s but workflow code issued %s", where, e.EventID, e.Expected, e.Actual)
	}
}
