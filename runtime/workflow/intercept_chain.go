package workflow

import (
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Interceptors is a worker's workflow interceptors and context
// propagators, ready to attach to its runs. The worker makes it from its
// options; user code has no need to.
type Interceptors struct {
	list  []Interceptor
	names []string
	props []ContextPropagator
}

// NewInterceptors returns the chain of list (the first is outermost:
// its methods are called first) with those of props that are
// ContextPropagators (the others only work outside workflows), or nil
// when there is nothing to attach.
func NewInterceptors(list []Interceptor, props []temporal.ContextPropagator) *Interceptors {
	var wps []ContextPropagator
	for _, p := range props {
		if wp, ok := p.(ContextPropagator); ok {
			wps = append(wps, wp)
		}
	}
	if len(list) == 0 && len(wps) == 0 {
		return nil
	}
	ic := &Interceptors{list: list, props: wps}
	for _, x := range list {
		ic.names = append(ic.names, fmt.Sprintf("%T", x))
	}
	return ic
}

// AttachFunc returns ic's engine hook (engine.Config.Attach), nil for a
// nil ic: runs then take the direct path, with nothing to call.
func (ic *Interceptors) AttachFunc() func(*engine.Run) {
	if ic == nil {
		return nil
	}
	return ic.Attach
}

// Attach is the engine's hook (engine.Config.Attach): it builds the
// run's chain when its workflow starts.
func (ic *Interceptors) Attach(r *engine.Run) {
	ch := &chain{ic: ic, dc: r.DataConverter(), root: len(ic.list)}
	var in Inbound = rootIn{ch}
	var out Outbound = rootOut{ch}
	info := GetInfo(r.Root())
	for i := len(ic.list) - 1; i >= 0; i-- {
		xi, xo, err := intercept(ic.list[i], ic.names[i], &info, in, out)
		if err != nil {
			in, out = failingIn{err}, rootOut{ch}
			break
		}
		in, out = guardedIn{i, xi}, guardedOut{i, ic.names[i], xo}
	}
	ch.in, ch.out = in, out
	r.Intercept(ch, ch)
}

func intercept(x Interceptor, name string, info *Info, in Inbound, out Outbound) (xi Inbound, xo Outbound, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &InterceptorPanicError{Interceptor: name, Value: p}
		}
	}()
	xi, xo = x.InterceptWorkflow(info, in, out)
	if xi == nil || xo == nil {
		return nil, nil, fmt.Errorf("workflow interceptor %s: InterceptWorkflow returned a nil Inbound or Outbound", name)
	}
	return xi, xo, nil
}

// chain is one run's interceptors: the engine's Inbound (entering the
// public chain) and the value its Outbound returns.
type chain struct {
	ic   *Interceptors
	dc   converter.DataConverter
	root int // layer number of the root: len(ic.list)
	in   Inbound
	out  Outbound
}

// layers records which interceptor of a call's chain is running, so a
// panic can be blamed on the right one: each guard sets at to its layer
// on entry and back to its caller's when the call returns; a panic
// leaves it at the layer that panicked. -1 is the chain's entry, the
// root's number means the workflow's own code (or the engine).
type layers struct{ at int }

func (l *layers) enter(i int) {
	if l != nil {
		l.at = i
	}
}

// top is deferred at each entry into a chain: a panic raised by an
// interceptor's code is re-raised as an *InterceptorPanicError naming it;
// others (the workflow's own, a coroutine being stopped) go on unchanged.
func (ch *chain) top(l *layers) {
	p := recover()
	if p == nil {
		return
	}
	if l.at < 0 || l.at >= ch.root || engine.IsCoroutineExit(p) {
		panic(p)
	}
	if _, ok := p.(*InterceptorPanicError); ok {
		panic(p)
	}
	panic(&InterceptorPanicError{Interceptor: ch.ic.names[l.at], Value: p})
}

// extract returns ctx with the values of every propagator taken from
// header; a propagator that fails is logged and skipped.
func (ch *chain) extract(ctx *engine.Context, header *commonpb.Header) Context {
	var out Context = ctx
	for _, p := range ch.ic.props {
		next, err := p.ExtractToWorkflow(out, header.GetFields())
		if err != nil {
			ctx.Run().Logger().Warn("context propagator could not read the header; going on without its values",
				"propagator", fmt.Sprintf("%T", p), "error", err)
			continue
		}
		if next != nil {
			out = next
		}
	}
	return out
}

// inject adds the propagators' values to h and returns the header to
// send (nil when empty).
func (ch *chain) inject(ctx Context, h Header) *commonpb.Header {
	if len(ch.ic.props) > 0 {
		if h == nil {
			h = Header{}
		}
		for _, p := range ch.ic.props {
			if err := p.InjectFromWorkflow(ctx, h); err != nil {
				impl(ctx).Run().Logger().Warn("context propagator could not write the header; sending it without its values",
					"propagator", fmt.Sprintf("%T", p), "error", err)
			}
		}
	}
	if len(h) == 0 {
		return nil
	}
	return &commonpb.Header{Fields: h}
}

// The engine.Inbound side: enter the public chain.

func (ch *chain) Execute(ctx *engine.Context, header *commonpb.Header, input *commonpb.Payloads, next engine.WorkflowFunc) (*commonpb.Payloads, error) {
	wctx := ch.extract(ctx, header)
	in := &ExecuteWorkflowInput{Header: header.GetFields(), Args: converter.NewValues(input, ch.dc), l: &layers{at: -1}, next: next}
	defer ch.top(in.l)
	return ch.in.ExecuteWorkflow(wctx, in)
}

func (ch *chain) Signal(ctx *engine.Context, name string, args converter.Values, header *commonpb.Header, next func(*engine.Context, string, converter.Values) error) error {
	wctx := ch.extract(ctx, header)
	in := &HandleSignalInput{Name: name, Args: args, Header: header.GetFields(), l: &layers{at: -1}, next: next}
	defer ch.top(in.l)
	return ch.in.HandleSignal(wctx, in)
}

func (ch *chain) Query(ctx *engine.Context, name string, args converter.Values, header *commonpb.Header, next func(*engine.Context, string, converter.Values) (any, error)) (any, error) {
	wctx := ch.extract(ctx, header)
	in := &HandleQueryInput{Name: name, Args: args, Header: header.GetFields(), l: &layers{at: -1}, next: next}
	defer ch.top(in.l)
	return ch.in.HandleQuery(wctx, in)
}

func (ch *chain) Validate(ctx *engine.Context, name string, args converter.Values, header *commonpb.Header, next func(*engine.Context, string, converter.Values) error) error {
	wctx := ch.extract(ctx, header)
	in := &UpdateInput{Name: name, ID: updateID(ctx), Args: args, Header: header.GetFields(), l: &layers{at: -1}, valid: next}
	defer ch.top(in.l)
	return ch.in.ValidateUpdate(wctx, in)
}

func (ch *chain) Update(ctx *engine.Context, name string, args converter.Values, header *commonpb.Header, next func(*engine.Context, string, converter.Values) (any, error)) (any, error) {
	wctx := ch.extract(ctx, header)
	in := &UpdateInput{Name: name, ID: updateID(ctx), Args: args, Header: header.GetFields(), l: &layers{at: -1}, next: next}
	defer ch.top(in.l)
	return ch.in.ExecuteUpdate(wctx, in)
}

func updateID(ctx *engine.Context) string {
	if u := CurrentUpdateInfo(ctx); u != nil {
		return u.ID
	}
	return ""
}

// rootIn is the innermost Inbound: it runs the workflow's code.
type rootIn struct{ ch *chain }

func (r rootIn) ExecuteWorkflow(ctx Context, in *ExecuteWorkflowInput) (*commonpb.Payloads, error) {
	in.l.enter(r.ch.root)
	return in.next(impl(ctx), in.Args.Payloads())
}

func (r rootIn) HandleSignal(ctx Context, in *HandleSignalInput) error {
	in.l.enter(r.ch.root)
	return in.next(impl(ctx), in.Name, in.Args)
}

func (r rootIn) HandleQuery(ctx Context, in *HandleQueryInput) (any, error) {
	in.l.enter(r.ch.root)
	return in.next(impl(ctx), in.Name, in.Args)
}

func (r rootIn) ValidateUpdate(ctx Context, in *UpdateInput) error {
	in.l.enter(r.ch.root)
	if in.valid == nil {
		return nil
	}
	return in.valid(impl(ctx), in.Name, in.Args)
}

func (r rootIn) ExecuteUpdate(ctx Context, in *UpdateInput) (any, error) {
	in.l.enter(r.ch.root)
	if in.next == nil {
		return nil, fmt.Errorf("workflow: update %s: ExecuteUpdate called with the input of a validator", in.Name)
	}
	return in.next(impl(ctx), in.Name, in.Args)
}

// failingIn stands for a chain whose InterceptWorkflow failed: the
// workflow task fails with the error, naming the interceptor.
type failingIn struct{ err error }

func (f failingIn) ExecuteWorkflow(Context, *ExecuteWorkflowInput) (*commonpb.Payloads, error) {
	panic(f.err)
}
func (f failingIn) HandleSignal(Context, *HandleSignalInput) error      { panic(f.err) }
func (f failingIn) HandleQuery(Context, *HandleQueryInput) (any, error) { return nil, f.err }
func (f failingIn) ValidateUpdate(Context, *UpdateInput) error          { panic(f.err) }
func (f failingIn) ExecuteUpdate(Context, *UpdateInput) (any, error)    { panic(f.err) }

// guardedIn runs layer i of the chain, keeping track of the layer.
type guardedIn struct {
	i    int
	next Inbound
}

func (g guardedIn) ExecuteWorkflow(ctx Context, in *ExecuteWorkflowInput) (*commonpb.Payloads, error) {
	in.l.enter(g.i)
	res, err := g.next.ExecuteWorkflow(ctx, in)
	in.l.enter(g.i - 1)
	return res, err
}

func (g guardedIn) HandleSignal(ctx Context, in *HandleSignalInput) error {
	in.l.enter(g.i)
	err := g.next.HandleSignal(ctx, in)
	in.l.enter(g.i - 1)
	return err
}

func (g guardedIn) HandleQuery(ctx Context, in *HandleQueryInput) (any, error) {
	in.l.enter(g.i)
	res, err := g.next.HandleQuery(ctx, in)
	in.l.enter(g.i - 1)
	return res, err
}

func (g guardedIn) ValidateUpdate(ctx Context, in *UpdateInput) error {
	in.l.enter(g.i)
	err := g.next.ValidateUpdate(ctx, in)
	in.l.enter(g.i - 1)
	return err
}

func (g guardedIn) ExecuteUpdate(ctx Context, in *UpdateInput) (any, error) {
	in.l.enter(g.i)
	res, err := g.next.ExecuteUpdate(ctx, in)
	in.l.enter(g.i - 1)
	return res, err
}

// blame is deferred by the guards of outbound methods without an input
// (Now, Random, ...): what they call below is other interceptors and the
// engine's plain getters, so a panic not yet named is this layer's.
func blame(name string) {
	p := recover()
	if p == nil {
		return
	}
	if _, ok := p.(*InterceptorPanicError); ok || engine.IsCoroutineExit(p) {
		panic(p)
	}
	panic(&InterceptorPanicError{Interceptor: name, Value: p})
}
