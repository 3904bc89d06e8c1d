// Package noparams has a workflow, handlers and an activity without
// parameters or results.
package noparams

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Ping waits for a pong.
//
//temporal:workflow
type Ping struct{ done bool }

//temporal:run
func (p *Ping) Run(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return p.done })
}

//temporal:signal
func (p *Ping) Pong(ctx workflow.Context) { p.done = true }

//temporal:query
func (p *Ping) Done() (bool, error) { return p.done, nil }

//temporal:update
func (p *Ping) Finish(ctx workflow.Context) error {
	p.done = true
	return nil
}

//temporal:activity
func Noop(ctx context.Context) error { return nil }
