package workflow

import (
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// chainOf returns the run's interceptor chain, nil without one: the
// public functions then take their direct path.
func chainOf(c *engine.Context) *chain {
	ch, _ := c.Run().Outbound().(*chain)
	return ch
}

// The entries into the outbound chain, one per method with an input.

func (ch *chain) startActivity(ctx Context, in *ActivityInput) ActivityHandle[any] {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.StartActivity(ctx, in)
}

func (ch *chain) startLocalActivity(ctx Context, in *LocalActivityInput) LocalActivityHandle[any] {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.StartLocalActivity(ctx, in)
}

func (ch *chain) startChildWorkflow(ctx Context, in *ChildWorkflowInput) (ChildWorkflowHandle[any], error) {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.StartChildWorkflow(ctx, in)
}

func (ch *chain) signalWorkflow(ctx Context, in *SignalWorkflowInput) Future[struct{}] {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.SignalWorkflow(ctx, in)
}

func (ch *chain) cancelExternalWorkflow(ctx Context, in *CancelExternalInput) Future[struct{}] {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.CancelExternalWorkflow(ctx, in)
}

func (ch *chain) newTimer(ctx Context, in *TimerInput) Future[struct{}] {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.NewTimer(ctx, in)
}

func (ch *chain) newContinueAsNewError(ctx Context, in *ContinueAsNewInput) error {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.NewContinueAsNewError(ctx, in)
}

func (ch *chain) startNexusOperation(ctx Context, in *NexusOperationInput) NexusOperationHandle[any] {
	in.l = &layers{at: -1}
	defer ch.top(in.l)
	return ch.out.StartNexusOperation(ctx, in)
}

// rootOut is the innermost Outbound: it adds the propagators' headers
// and issues the commands.
type rootOut struct{ ch *chain }

func (r rootOut) StartActivity(ctx Context, in *ActivityInput) ActivityHandle[any] {
	in.l.enter(r.ch.root)
	return startActivity(impl(ctx), in.Options, in.Activity, in.Args, r.ch.inject(ctx, in.Header))
}

func (r rootOut) StartLocalActivity(ctx Context, in *LocalActivityInput) LocalActivityHandle[any] {
	in.l.enter(r.ch.root)
	return startLocalActivity(impl(ctx), in.Options, in.Activity, in.Args, r.ch.inject(ctx, in.Header))
}

func (r rootOut) StartChildWorkflow(ctx Context, in *ChildWorkflowInput) (ChildWorkflowHandle[any], error) {
	in.l.enter(r.ch.root)
	return startChildWorkflow(impl(ctx), in.Options, in.WorkflowType, in.Args, r.ch.inject(ctx, in.Header))
}

func (r rootOut) SignalWorkflow(ctx Context, in *SignalWorkflowInput) Future[struct{}] {
	in.l.enter(r.ch.root)
	h := r.ch.inject(ctx, in.Header)
	if in.child != nil {
		return signalChild(ctx, in.child, r.ch.dc, in.Name, in.Args, h)
	}
	return signalExternal(impl(ctx), in.WorkflowID, in.RunID, in.Name, in.Args, h)
}

func (r rootOut) CancelExternalWorkflow(ctx Context, in *CancelExternalInput) Future[struct{}] {
	in.l.enter(r.ch.root)
	return cancelExternal(impl(ctx), in.WorkflowID, in.RunID)
}

func (r rootOut) NewTimer(ctx Context, in *TimerInput) Future[struct{}] {
	in.l.enter(r.ch.root)
	return newTimer(impl(ctx), in.Duration, in.Options)
}

func (r rootOut) NewContinueAsNewError(ctx Context, in *ContinueAsNewInput) error {
	in.l.enter(r.ch.root)
	return newContinueAsNewError(ctx, in.Options, in.Args, r.ch.inject(ctx, in.Header))
}

func (r rootOut) StartNexusOperation(ctx Context, in *NexusOperationInput) NexusOperationHandle[any] {
	in.l.enter(r.ch.root)
	return startNexusOperation(impl(ctx), in.Client, in.Operation, in.Input, in.Options)
}

func (r rootOut) Now(ctx Context) time.Time                       { return now(impl(ctx)) }
func (r rootOut) Random(ctx Context) *rand.Rand                   { return impl(ctx).Run().Rand() }
func (r rootOut) GetLogger(ctx Context) *slog.Logger              { return impl(ctx).Run().Logger() }
func (r rootOut) MetricMeter(ctx Context) temporal.MetricsHandler { return metricMeter(impl(ctx)) }
func (r rootOut) Patched(ctx Context, patchID string, deprecated bool) bool {
	return impl(ctx).Patched(patchID, deprecated)
}

// guardedOut runs layer i of the outbound chain, keeping track of the
// layer.
type guardedOut struct {
	i    int
	name string
	next Outbound
}

func (g guardedOut) StartActivity(ctx Context, in *ActivityInput) ActivityHandle[any] {
	in.l.enter(g.i)
	h := g.next.StartActivity(ctx, in)
	in.l.enter(g.i - 1)
	return h
}

func (g guardedOut) StartLocalActivity(ctx Context, in *LocalActivityInput) LocalActivityHandle[any] {
	in.l.enter(g.i)
	h := g.next.StartLocalActivity(ctx, in)
	in.l.enter(g.i - 1)
	return h
}

func (g guardedOut) StartChildWorkflow(ctx Context, in *ChildWorkflowInput) (ChildWorkflowHandle[any], error) {
	in.l.enter(g.i)
	h, err := g.next.StartChildWorkflow(ctx, in)
	in.l.enter(g.i - 1)
	return h, err
}

func (g guardedOut) SignalWorkflow(ctx Context, in *SignalWorkflowInput) Future[struct{}] {
	in.l.enter(g.i)
	f := g.next.SignalWorkflow(ctx, in)
	in.l.enter(g.i - 1)
	return f
}

func (g guardedOut) CancelExternalWorkflow(ctx Context, in *CancelExternalInput) Future[struct{}] {
	in.l.enter(g.i)
	f := g.next.CancelExternalWorkflow(ctx, in)
	in.l.enter(g.i - 1)
	return f
}

func (g guardedOut) NewTimer(ctx Context, in *TimerInput) Future[struct{}] {
	in.l.enter(g.i)
	f := g.next.NewTimer(ctx, in)
	in.l.enter(g.i - 1)
	return f
}

func (g guardedOut) NewContinueAsNewError(ctx Context, in *ContinueAsNewInput) error {
	in.l.enter(g.i)
	err := g.next.NewContinueAsNewError(ctx, in)
	in.l.enter(g.i - 1)
	return err
}

func (g guardedOut) StartNexusOperation(ctx Context, in *NexusOperationInput) NexusOperationHandle[any] {
	in.l.enter(g.i)
	h := g.next.StartNexusOperation(ctx, in)
	in.l.enter(g.i - 1)
	return h
}

func (g guardedOut) Now(ctx Context) time.Time {
	defer blame(g.name)
	return g.next.Now(ctx)
}

func (g guardedOut) Random(ctx Context) *rand.Rand {
	defer blame(g.name)
	return g.next.Random(ctx)
}

func (g guardedOut) GetLogger(ctx Context) *slog.Logger {
	defer blame(g.name)
	return g.next.GetLogger(ctx)
}

func (g guardedOut) MetricMeter(ctx Context) temporal.MetricsHandler {
	defer blame(g.name)
	return g.next.MetricMeter(ctx)
}

func (g guardedOut) Patched(ctx Context, patchID string, deprecated bool) bool {
	defer blame(g.name)
	return g.next.Patched(ctx, patchID, deprecated)
}

// Conversions of the untyped handles the chain returns into the typed
// ones the public functions return.

func activityAs[T any](h ActivityHandle[any]) ActivityHandle[T] {
	return ActivityHandle[T]{a: h.a, outcome: outcome[T]{futureAs[T](h.f)}}
}

func localActivityAs[T any](h LocalActivityHandle[any]) LocalActivityHandle[T] {
	return LocalActivityHandle[T]{a: h.a, outcome: outcome[T]{futureAs[T](h.f)}}
}

func childAs[T any](h ChildWorkflowHandle[any]) ChildWorkflowHandle[T] {
	return ChildWorkflowHandle[T]{c: h.c, dc: h.dc}
}

func nexusAs[T any](h NexusOperationHandle[any]) NexusOperationHandle[T] {
	return NexusOperationHandle[T]{op: h.op, f: futureAs[T](h.f), s: h.s}
}

func futureAs[T any](f Future[any]) Future[T] { return Future[T]{f: f.f, dc: f.dc} }
