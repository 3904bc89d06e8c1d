package errdynamicshape

import (
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Router struct{}

//temporal:run
func (r *Router) Run(ctx workflow.Context) error { return nil }

//temporal:signal dynamic
func (r *Router) OnSignal(ctx workflow.Context, name string) {}

//temporal:query dynamic
func (r *Router) OnQuery(name string, args []byte) (any, error) { return nil, nil }

//temporal:update dynamic
func (r *Router) OnUpdate(ctx workflow.Context, name int, args converter.Values) (any, error) {
	return nil, nil
}

//temporal:signal dynamic
func (r *Router) OnSignal2(ctx workflow.Context, name string, args converter.Values) {}

//temporal:signal dynamic
func (r *Router) OnSignal3(ctx workflow.Context, name string, args converter.Values) {}

// Any is dynamic, but its run decodes a string.
//
//temporal:workflow dynamic
type Any struct{}

//temporal:run
func (a *Any) Run(ctx workflow.Context, s string) error { return nil }
