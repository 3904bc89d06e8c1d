package temporal

import "fmt"

// ReadOnlyContextError is returned (or raised as a panic where a function
// has no error result) when workflow code running in a query handler or an
// update validator tries something that would change the workflow's
// history: starting an activity, timer or child workflow, signalling,
// upserting, continuing as new, patching or changing handlers.
type ReadOnlyContextError struct {
	Op string // the operation that was attempted, e.g. "ExecuteActivity"
}

func (e *ReadOnlyContextError) Error() string {
	return fmt.Sprintf("workflow: %s is not allowed in a read-only context (query handler or update validator)", e.Op)
}
