// Package multiworkflow declares two workflows that call each other
// through the generated workflow-side stubs: a parent that runs an
// activity, starts a typed child, signals it and continues as new.
package multiworkflow

import (
	"context"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Order is the parent's input.
type Order struct {
	ID    string
	Items []string
	Round int
}

// Parent fans out one Packer child per order and continues as new.
//
//temporal:workflow task_queue=orders
type Parent struct{}

//temporal:run
func (p *Parent) Run(ctx workflow.Context, o Order) (int, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute}
	n, err := CountActivity(ctx, opts, o.Items).Get(ctx)
	if err != nil {
		return 0, err
	}
	child, err := StartPackerChild(ctx, workflow.ChildWorkflowOptions{WorkflowID: o.ID + "-pack"}, o.Items, 2)
	if err != nil {
		return 0, err
	}
	if _, err := child.Add(ctx, "gift wrap").Get(ctx); err != nil {
		return 0, err
	}
	boxes, err := child.Get(ctx)
	if err != nil {
		return 0, err
	}
	if o.Round < 3 {
		o.Round++
		return 0, ContinueAsNewParent(ctx, workflow.ContinueAsNewOptions{}, o)
	}
	_, _ = GetPackerExternal(ctx, o.ID+"-pack", "").Cancel(ctx).Get(ctx)
	local, err := CountLocalActivity(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Second}, o.Items).Get(ctx)
	return n + boxes + local, err
}

// Packer packs items into boxes.
//
//temporal:workflow
type Packer struct{ items []string }

//temporal:run
func (p *Packer) Run(ctx workflow.Context, items []string, perBox int) (int, error) {
	p.items = items
	return (len(p.items) + perBox - 1) / perBox, nil
}

//temporal:signal
func (p *Packer) Add(ctx workflow.Context, item string) { p.items = append(p.items, item) }

//temporal:query
func (p *Packer) Items() ([]string, error) { return p.items, nil }

//temporal:activity
func Count(ctx context.Context, items []string) (int, error) { return len(items), nil }
