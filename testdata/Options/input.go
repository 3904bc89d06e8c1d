// Package options uses every option of every directive.
package options

import (
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Limit fails the workflow.
type Limit struct{ Max int }

func (Limit) Error() string { return "over the limit" }

// Fatal fails the workflow; its pointer implements error.
type Fatal struct{ Reason string }

func (f *Fatal) Error() string { return f.Reason }

// Counter counts.
//
//temporal:workflow name=counter-v2 task_queue="counting queue" versioning=auto_upgrade sandboxed=false failure_errors=Limit,Fatal
type Counter struct{ n int }

//temporal:init
func (c *Counter) Setup(ctx workflow.Context, start int) { c.n = start }

//temporal:run
func (c *Counter) Loop(ctx workflow.Context, start int) (int, error) {
	return c.n, workflow.Await(ctx, func() bool { return c.n > 100 })
}

//temporal:signal name=inc unfinished=warn description="add one"
func (c *Counter) Inc(ctx workflow.Context) error {
	c.n++
	return nil
}

//temporal:signal name=add unfinished=abandon description="add \"n\" | more"
func (c *Counter) Add(ctx workflow.Context, n int) { c.n += n }

//temporal:query name=value description="the current value"
func (c *Counter) Value() (int, error) { return c.n, nil }

//temporal:update name=reset unfinished=abandon description="set the value" validator=ValidReset
func (c *Counter) Reset(ctx workflow.Context, to int) error {
	c.n = to
	return nil
}

// ValidReset rejects negative values.
func (c *Counter) ValidReset(to int) error {
	if to < 0 {
		return Limit{}
	}
	return nil
}
