package client

import (
	"context"
	"fmt"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Interceptor intercepts the client's workflow calls (register it with
// Options.Interceptors; the first listed is outermost). InterceptClient
// is called once, by Dial, with the next Outbound of the chain and
// returns the one to call instead; embed OutboundBase to intercept only
// some calls.
type Interceptor interface {
	InterceptClient(next Outbound) Outbound
}

// Outbound is the client's workflow calls as an interceptor sees them.
// Each method should call the next Outbound's; it may change the input
// first (add Header fields, which are sent with the call next to the
// context propagators'), or fail the call without calling on.
type Outbound interface {
	StartWorkflow(ctx context.Context, in *StartWorkflowInput) (*WorkflowHandle, error)
	SignalWorkflow(ctx context.Context, in *SignalWorkflowInput) error
	SignalWithStartWorkflow(ctx context.Context, in *SignalWithStartInput) (*WorkflowHandle, error)
	UpdateWithStartWorkflow(ctx context.Context, in *UpdateWithStartInput) (*UpdateHandle, error)
	QueryWorkflow(ctx context.Context, in *QueryWorkflowInput) (converter.Values, error)
	UpdateWorkflow(ctx context.Context, in *UpdateWorkflowInput) (*UpdateHandle, error)
	CancelWorkflow(ctx context.Context, in *CancelWorkflowInput) error
	TerminateWorkflow(ctx context.Context, in *TerminateWorkflowInput) error
	DescribeWorkflow(ctx context.Context, in *DescribeWorkflowInput) (*WorkflowDescription, error)
}

// StartWorkflowInput is the input of Outbound.StartWorkflow.
type StartWorkflowInput struct {
	Options      StartWorkflowOptions
	WorkflowType string
	Args         []any
	Header       temporal.Header
}

// SignalWorkflowInput is the input of Outbound.SignalWorkflow.
type SignalWorkflowInput struct {
	WorkflowID, RunID string
	SignalName        string
	Args              []any
	Header            temporal.Header
}

// SignalWithStartInput is the input of Outbound.SignalWithStartWorkflow;
// Header goes with both the start and the signal.
type SignalWithStartInput struct {
	Options      StartWorkflowOptions
	SignalName   string
	SignalArgs   []any
	WorkflowType string
	Args         []any
	Header       temporal.Header
}

// UpdateWithStartInput is the input of Outbound.UpdateWithStartWorkflow;
// Header goes with both the start and the update.
type UpdateWithStartInput struct {
	Options       StartWorkflowOptions
	UpdateOptions UpdateOptions
	UpdateName    string
	UpdateArgs    []any
	WorkflowType  string
	Args          []any
	Header        temporal.Header
}

// QueryWorkflowInput is the input of Outbound.QueryWorkflow.
type QueryWorkflowInput struct {
	Workflow  *WorkflowHandle
	Options   QueryOptions
	QueryName string
	Args      []any
	Header    temporal.Header
}

// UpdateWorkflowInput is the input of Outbound.UpdateWorkflow (StartUpdate
// and ExecuteUpdate).
type UpdateWorkflowInput struct {
	Workflow   *WorkflowHandle
	Options    UpdateOptions
	UpdateName string
	Args       []any
	Header     temporal.Header
}

// CancelWorkflowInput is the input of Outbound.CancelWorkflow.
type CancelWorkflowInput struct{ Workflow *WorkflowHandle }

// TerminateWorkflowInput is the input of Outbound.TerminateWorkflow.
type TerminateWorkflowInput struct {
	Workflow *WorkflowHandle
	Reason   string
	Details  []any
}

// DescribeWorkflowInput is the input of Outbound.DescribeWorkflow.
type DescribeWorkflowInput struct{ Workflow *WorkflowHandle }

// InterceptorPanicError is the error of a call during which a client
// interceptor panicked: it names the interceptor (its Go type) and keeps
// the panic value. The process goes on.
type InterceptorPanicError struct {
	Interceptor string
	Value       any
}

func (e *InterceptorPanicError) Error() string {
	return fmt.Sprintf("client interceptor %s panicked: %v", e.Interceptor, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *InterceptorPanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// chainInterceptors returns the Outbound that enters list, nil when list
// is empty (calls then take their direct path).
func chainInterceptors(c *Client, list []Interceptor) (Outbound, error) {
	if len(list) == 0 {
		return nil, nil
	}
	var out Outbound = guarded{name: "root (the client itself)", next: rootOut{c}}
	for i := len(list) - 1; i >= 0; i-- {
		name := fmt.Sprintf("%T", list[i])
		next, err := interceptClient(list[i], name, out)
		if err != nil {
			return nil, err
		}
		out = guarded{name: name, next: next}
	}
	return out, nil
}

func interceptClient(x Interceptor, name string, next Outbound) (out Outbound, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &InterceptorPanicError{Interceptor: name, Value: p}
		}
	}()
	if out = x.InterceptClient(next); out == nil {
		return nil, fmt.Errorf("client: interceptor %s: InterceptClient returned nil", name)
	}
	return out, nil
}

// rootOut is the innermost Outbound: it makes the calls.
type rootOut struct{ c *Client }

func (r rootOut) StartWorkflow(ctx context.Context, in *StartWorkflowInput) (*WorkflowHandle, error) {
	return r.c.startWorkflow(ctx, in.Options, in.WorkflowType, in.Args, in.Header)
}

func (r rootOut) SignalWorkflow(ctx context.Context, in *SignalWorkflowInput) error {
	return r.c.signalWorkflow(ctx, in.WorkflowID, in.RunID, in.SignalName, in.Args, in.Header)
}

func (r rootOut) SignalWithStartWorkflow(ctx context.Context, in *SignalWithStartInput) (*WorkflowHandle, error) {
	return r.c.signalWithStartWorkflow(ctx, in.Options, in.SignalName, in.SignalArgs, in.WorkflowType, in.Args, in.Header)
}

func (r rootOut) UpdateWithStartWorkflow(ctx context.Context, in *UpdateWithStartInput) (*UpdateHandle, error) {
	return r.c.updateWithStartWorkflow(ctx, in.Options, in.UpdateOptions, in.UpdateName, in.UpdateArgs, in.WorkflowType, in.Args, in.Header)
}

func (r rootOut) QueryWorkflow(ctx context.Context, in *QueryWorkflowInput) (converter.Values, error) {
	return in.Workflow.queryWithOptions(ctx, in.Options, in.QueryName, in.Args, in.Header)
}

func (r rootOut) UpdateWorkflow(ctx context.Context, in *UpdateWorkflowInput) (*UpdateHandle, error) {
	return in.Workflow.startUpdate(ctx, in.Options, in.UpdateName, in.Args, in.Header)
}

func (r rootOut) CancelWorkflow(ctx context.Context, in *CancelWorkflowInput) error {
	return in.Workflow.cancel(ctx)
}

func (r rootOut) TerminateWorkflow(ctx context.Context, in *TerminateWorkflowInput) error {
	return in.Workflow.terminate(ctx, in.Reason, in.Details)
}

func (r rootOut) DescribeWorkflow(ctx context.Context, in *DescribeWorkflowInput) (*WorkflowDescription, error) {
	return in.Workflow.describe(ctx, "describe workflow")
}

// guarded turns a panic of the interceptor it wraps into the call's
// error. Every layer is guarded, so what it calls never panics: a panic
// it sees is its own interceptor's.
type guarded struct {
	name string
	next Outbound
}

func (g guarded) recover(err *error) {
	if p := recover(); p != nil {
		*err = &InterceptorPanicError{Interceptor: g.name, Value: p}
	}
}

func (g guarded) StartWorkflow(ctx context.Context, in *StartWorkflowInput) (h *WorkflowHandle, err error) {
	defer g.recover(&err)
	return g.next.StartWorkflow(ctx, in)
}

func (g guarded) SignalWorkflow(ctx context.Context, in *SignalWorkflowInput) (err error) {
	defer g.recover(&err)
	return g.next.SignalWorkflow(ctx, in)
}

func (g guarded) SignalWithStartWorkflow(ctx context.Context, in *SignalWithStartInput) (h *WorkflowHandle, err error) {
	defer g.recover(&err)
	return g.next.SignalWithStartWorkflow(ctx, in)
}

func (g guarded) UpdateWithStartWorkflow(ctx context.Context, in *UpdateWithStartInput) (h *UpdateHandle, err error) {
	defer g.recover(&err)
	return g.next.UpdateWithStartWorkflow(ctx, in)
}

func (g guarded) QueryWorkflow(ctx context.Context, in *QueryWorkflowInput) (v converter.Values, err error) {
	defer g.recover(&err)
	return g.next.QueryWorkflow(ctx, in)
}

func (g guarded) UpdateWorkflow(ctx context.Context, in *UpdateWorkflowInput) (h *UpdateHandle, err error) {
	defer g.recover(&err)
	return g.next.UpdateWorkflow(ctx, in)
}

func (g guarded) CancelWorkflow(ctx context.Context, in *CancelWorkflowInput) (err error) {
	defer g.recover(&err)
	return g.next.CancelWorkflow(ctx, in)
}

func (g guarded) TerminateWorkflow(ctx context.Context, in *TerminateWorkflowInput) (err error) {
	defer g.recover(&err)
	return g.next.TerminateWorkflow(ctx, in)
}

func (g guarded) DescribeWorkflow(ctx context.Context, in *DescribeWorkflowInput) (d *WorkflowDescription, err error) {
	defer g.recover(&err)
	return g.next.DescribeWorkflow(ctx, in)
}

// OutboundBase is an Outbound that calls Next for every method: embed it
// and override the methods to intercept.
type OutboundBase struct{ Next Outbound }

// StartWorkflow calls Next.
func (b OutboundBase) StartWorkflow(ctx context.Context, in *StartWorkflowInput) (*WorkflowHandle, error) {
	return b.Next.StartWorkflow(ctx, in)
}

// SignalWorkflow calls Next.
func (b OutboundBase) SignalWorkflow(ctx context.Context, in *SignalWorkflowInput) error {
	return b.Next.SignalWorkflow(ctx, in)
}

// SignalWithStartWorkflow calls Next.
func (b OutboundBase) SignalWithStartWorkflow(ctx context.Context, in *SignalWithStartInput) (*WorkflowHandle, error) {
	return b.Next.SignalWithStartWorkflow(ctx, in)
}

// UpdateWithStartWorkflow calls Next.
func (b OutboundBase) UpdateWithStartWorkflow(ctx context.Context, in *UpdateWithStartInput) (*UpdateHandle, error) {
	return b.Next.UpdateWithStartWorkflow(ctx, in)
}

// QueryWorkflow calls Next.
func (b OutboundBase) QueryWorkflow(ctx context.Context, in *QueryWorkflowInput) (converter.Values, error) {
	return b.Next.QueryWorkflow(ctx, in)
}

// UpdateWorkflow calls Next.
func (b OutboundBase) UpdateWorkflow(ctx context.Context, in *UpdateWorkflowInput) (*UpdateHandle, error) {
	return b.Next.UpdateWorkflow(ctx, in)
}

// CancelWorkflow calls Next.
func (b OutboundBase) CancelWorkflow(ctx context.Context, in *CancelWorkflowInput) error {
	return b.Next.CancelWorkflow(ctx, in)
}

// TerminateWorkflow calls Next.
func (b OutboundBase) TerminateWorkflow(ctx context.Context, in *TerminateWorkflowInput) error {
	return b.Next.TerminateWorkflow(ctx, in)
}

// DescribeWorkflow calls Next.
func (b OutboundBase) DescribeWorkflow(ctx context.Context, in *DescribeWorkflowInput) (*WorkflowDescription, error) {
	return b.Next.DescribeWorkflow(ctx, in)
}
