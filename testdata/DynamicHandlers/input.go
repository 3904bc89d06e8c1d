// Package dynamichandlers declares dynamic handlers; it needs
// converter.Values from the runtime.
package dynamichandlers

import (
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Router accepts any signal, query and update.
//
//temporal:workflow dynamic
type Router struct{}

//temporal:run
func (r *Router) Run(ctx workflow.Context, args converter.Values) error { return nil }

//temporal:signal dynamic
func (r *Router) OnSignal(ctx workflow.Context, name string, args converter.Values) {}

//temporal:query dynamic
func (r *Router) OnQuery(name string, args converter.Values) (any, error) { return nil, nil }

//temporal:update dynamic unfinished=warn
func (r *Router) OnUpdate(ctx workflow.Context, name string, args converter.Values) (any, error) {
	return nil, nil
}
