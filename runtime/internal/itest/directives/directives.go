// Package directives holds workflows that use the directive options only
// golden files covered before: //temporal:init, name= on a workflow,
// unfinished=abandon on signal and update handlers, and a dynamic
// workflow whose run takes its arguments undecoded. Its tests run the
// generated code on the dev server.
package directives

//go:generate go run github.com/temporalgen/temporalgen/cmd/temporalgen

import (
	"encoding/json"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Input starts a Tally.
type Input struct{ Start int }

// Report is what a Tally saw.
type Report struct {
	Total int
	// InitBeforeSignal is true when the first signal's handler found the
	// state that init set up (the signal came with signal-with-start).
	InitBeforeSignal bool
	Type             string // the workflow type the run has
}

// Counter counts the numbers signalled to it until told to stop; its
// two blocking handlers stay unfinished when it returns.
//
//temporal:workflow name=Tally
type Counter struct {
	initialized      bool
	total            int
	signals          int
	initBeforeSignal bool
	stop             bool
}

//temporal:init
func (c *Counter) Init(ctx workflow.Context, in Input) {
	c.initialized = true
	c.total = in.Start
}

//temporal:run
func (c *Counter) Run(ctx workflow.Context, in Input) (Report, error) {
	err := workflow.Await(ctx, func() bool { return c.stop })
	return Report{Total: c.total, InitBeforeSignal: c.initBeforeSignal, Type: workflow.GetInfo(ctx).WorkflowType}, err
}

//temporal:signal
func (c *Counter) Add(ctx workflow.Context, n int) {
	if c.signals == 0 {
		c.initBeforeSignal = c.initialized && c.total == 100
	}
	c.signals++
	c.total += n
}

//temporal:signal
func (c *Counter) Stop(ctx workflow.Context) { c.stop = true }

// Linger blocks forever; abandoned quietly when the workflow returns.
//
//temporal:signal unfinished=abandon
func (c *Counter) Linger(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return false })
}

// Stall blocks forever; the workflow warns when it returns with it
// still running.
//
//temporal:signal
func (c *Counter) Stall(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return false })
}

// Hold blocks forever, abandoned quietly like Linger.
//
//temporal:update unfinished=abandon
func (c *Counter) Hold(ctx workflow.Context) (int, error) {
	return 0, workflow.Await(ctx, func() bool { return false })
}

// Echo runs every workflow type nothing else is registered for, and
// reports the type and the raw arguments it got.
//
//temporal:workflow dynamic
type Echo struct{}

// EchoReport is what Echo got.
type EchoReport struct {
	Type string
	Args []string // each argument's JSON
}

//temporal:run
func (e *Echo) Run(ctx workflow.Context, args converter.Values) (EchoReport, error) {
	rep := EchoReport{Type: workflow.GetInfo(ctx).WorkflowType}
	for i := range args.Len() {
		var v any
		if err := args.Get(i, &v); err != nil {
			return rep, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return rep, err
		}
		rep.Args = append(rep.Args, string(b))
	}
	return rep, nil
}
