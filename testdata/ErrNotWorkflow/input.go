package errnotworkflow

import "github.com/temporalgen/temporalgen/runtime/workflow"

// Helper is not annotated.
type Helper struct{}

//temporal:run
func (h *Helper) Run(ctx workflow.Context) error { return nil }

//temporal:workflow
type Generic[T any] struct{ v T }
