package erractivitycontext

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:activity
func NoContext(name string) (string, error) { return name, nil }

//temporal:activity
func WorkflowContext(ctx workflow.Context, name string) error { return nil }

//temporal:activity
func NoParams() error { return nil }

//temporal:activity
func NoError(ctx context.Context) string { return "" }

// Tools has no activity methods at all.
//
//temporal:activity
type Tools struct{}

// Help has no context, so it is not an activity.
func (t *Tools) Help() string { return "" }
