package workflow

import (
	"fmt"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// HandlerUnfinishedPolicy says what happens when the workflow finishes
// while a signal or update handler is still running. Values other than the
// constants below act as the default, HandlerUnfinishedPolicyWarnAndAbandon.
type HandlerUnfinishedPolicy int

const (
	// HandlerUnfinishedPolicyWarnAndAbandon logs a warning with code
	// TMPRL1102 naming the unfinished handlers (the default).
	HandlerUnfinishedPolicyWarnAndAbandon HandlerUnfinishedPolicy = iota
	// HandlerUnfinishedPolicyAbandon abandons them silently.
	HandlerUnfinishedPolicyAbandon

	numHandlerUnfinishedPolicies // the count of the values above; keep last
)

// String returns the Python SDK's name of the policy.
func (p HandlerUnfinishedPolicy) String() string {
	if p == HandlerUnfinishedPolicyAbandon {
		return "ABANDON"
	}
	return "WARN_AND_ABANDON"
}

// engine maps p to the engine's type; values not declared above act as
// the default, HandlerUnfinishedPolicyWarnAndAbandon.
func (p HandlerUnfinishedPolicy) engine() engine.UnfinishedPolicy {
	if p == HandlerUnfinishedPolicyAbandon {
		return engine.Abandon
	}
	return engine.WarnAndAbandon
}

// SignalHandlerFunc handles a signal. It runs as its own coroutine and may
// block (call activities, sleep, await). A returned error fails the
// workflow.
type SignalHandlerFunc func(ctx Context, args converter.Values) error

// DynamicSignalHandlerFunc handles signals that have no handler of their
// own; it also gets the signal's name.
type DynamicSignalHandlerFunc func(ctx Context, name string, args converter.Values) error

// QueryHandlerFunc answers a query. It runs read-only: it must not block,
// and anything that would change history returns or panics with
// *temporal.ReadOnlyContextError.
type QueryHandlerFunc func(ctx Context, args converter.Values) (any, error)

// DynamicQueryHandlerFunc answers queries that have no handler of their
// own.
type DynamicQueryHandlerFunc func(ctx Context, name string, args converter.Values) (any, error)

// UpdateHandlerFunc handles an accepted update. It runs as its own
// coroutine and may block. A returned error fails the update, not the
// workflow.
type UpdateHandlerFunc func(ctx Context, args converter.Values) (any, error)

// UpdateValidatorFunc decides whether to accept an update. It runs
// read-only, only when the update first arrives (never on replay); an
// error or a panic rejects the update, which leaves no trace in history.
type UpdateValidatorFunc func(ctx Context, args converter.Values) error

// DynamicUpdateHandlerFunc handles updates that have no handler of their
// own.
type DynamicUpdateHandlerFunc func(ctx Context, name string, args converter.Values) (any, error)

// DynamicUpdateValidatorFunc validates updates for the dynamic handler.
type DynamicUpdateValidatorFunc func(ctx Context, name string, args converter.Values) error

// SignalOptions describe a signal handler.
type SignalOptions struct {
	Description      string // shown by the __temporal_workflow_metadata query
	UnfinishedPolicy HandlerUnfinishedPolicy
}

// QueryOptions describe a query handler.
type QueryOptions struct {
	Description string
}

// UpdateOptions describe an update handler.
type UpdateOptions struct {
	Validator        UpdateValidatorFunc
	Description      string
	UnfinishedPolicy HandlerUnfinishedPolicy
}

// DynamicUpdateOptions describe the dynamic update handler.
type DynamicUpdateOptions struct {
	Validator        DynamicUpdateValidatorFunc
	Description      string
	UnfinishedPolicy HandlerUnfinishedPolicy
}

// SetSignalHandler sets the handler of the named signal; nil removes it.
// Signals that arrived before a handler was set are delivered to it, in
// order, when it is set.
func SetSignalHandler(ctx Context, name string, fn SignalHandlerFunc, opts SignalOptions) error {
	var h *engine.SignalHandler
	if fn != nil {
		h = &engine.SignalHandler{User: fn, Description: opts.Description, Unfinished: opts.UnfinishedPolicy.engine(),
			Fn: func(c *engine.Context, _ string, args converter.Values) error { return fn(c, args) }}
	}
	if err := checkName("Signal", name); err != nil {
		return err
	}
	return impl(ctx).SetSignalHandler(name, h)
}

// SetDynamicSignalHandler sets the handler for signals without a handler
// of their own; nil removes it. Every buffered signal is delivered to it.
func SetDynamicSignalHandler(ctx Context, fn DynamicSignalHandlerFunc, opts SignalOptions) error {
	var h *engine.SignalHandler
	if fn != nil {
		h = &engine.SignalHandler{User: fn, Description: opts.Description, Unfinished: opts.UnfinishedPolicy.engine(),
			Fn: func(c *engine.Context, name string, args converter.Values) error { return fn(c, name, args) }}
	}
	return impl(ctx).SetSignalHandler("", h)
}

// GetSignalHandler returns the handler of the named signal, or nil.
func GetSignalHandler(ctx Context, name string) SignalHandlerFunc {
	if h := impl(ctx).SignalHandlerFor(name); name != "" && h != nil {
		fn, _ := h.User.(SignalHandlerFunc)
		return fn
	}
	return nil
}

// GetDynamicSignalHandler returns the dynamic signal handler, or nil.
func GetDynamicSignalHandler(ctx Context) DynamicSignalHandlerFunc {
	if h := impl(ctx).SignalHandlerFor(""); h != nil {
		fn, _ := h.User.(DynamicSignalHandlerFunc)
		return fn
	}
	return nil
}

// SetQueryHandler sets the handler of the named query; nil removes it.
// Names starting with "__" are reserved.
func SetQueryHandler(ctx Context, name string, fn QueryHandlerFunc, opts QueryOptions) error {
	var h *engine.QueryHandler
	if fn != nil {
		h = &engine.QueryHandler{User: fn, Description: opts.Description,
			Fn: func(c *engine.Context, _ string, args converter.Values) (any, error) { return fn(c, args) }}
	}
	if err := checkName("Query", name); err != nil {
		return err
	}
	return impl(ctx).SetQueryHandler(name, h)
}

// SetDynamicQueryHandler sets the handler for queries without a handler of
// their own; nil removes it.
func SetDynamicQueryHandler(ctx Context, fn DynamicQueryHandlerFunc, opts QueryOptions) error {
	var h *engine.QueryHandler
	if fn != nil {
		h = &engine.QueryHandler{User: fn, Description: opts.Description,
			Fn: func(c *engine.Context, name string, args converter.Values) (any, error) { return fn(c, name, args) }}
	}
	return impl(ctx).SetQueryHandler("", h)
}

// GetQueryHandler returns the handler of the named query, or nil.
func GetQueryHandler(ctx Context, name string) QueryHandlerFunc {
	if h := impl(ctx).QueryHandlerFor(name); name != "" && h != nil {
		fn, _ := h.User.(QueryHandlerFunc)
		return fn
	}
	return nil
}

// GetDynamicQueryHandler returns the dynamic query handler, or nil.
func GetDynamicQueryHandler(ctx Context) DynamicQueryHandlerFunc {
	if h := impl(ctx).QueryHandlerFor(""); h != nil {
		fn, _ := h.User.(DynamicQueryHandlerFunc)
		return fn
	}
	return nil
}

// SetUpdateHandler sets the handler (and optional validator) of the named
// update; nil removes it.
func SetUpdateHandler(ctx Context, name string, fn UpdateHandlerFunc, opts UpdateOptions) error {
	var h *engine.UpdateHandler
	if fn != nil {
		h = &engine.UpdateHandler{User: fn, Description: opts.Description, Unfinished: opts.UnfinishedPolicy.engine(),
			Fn: func(c *engine.Context, _ string, args converter.Values) (any, error) { return fn(c, args) }}
		if v := opts.Validator; v != nil {
			h.Validator = func(c *engine.Context, _ string, args converter.Values) error { return v(c, args) }
		}
	}
	if err := checkName("Update", name); err != nil {
		return err
	}
	return impl(ctx).SetUpdateHandler(name, h)
}

// SetDynamicUpdateHandler sets the handler for updates without a handler
// of their own; nil removes it.
func SetDynamicUpdateHandler(ctx Context, fn DynamicUpdateHandlerFunc, opts DynamicUpdateOptions) error {
	var h *engine.UpdateHandler
	if fn != nil {
		h = &engine.UpdateHandler{User: fn, Description: opts.Description, Unfinished: opts.UnfinishedPolicy.engine(),
			Fn: func(c *engine.Context, name string, args converter.Values) (any, error) { return fn(c, name, args) }}
		if v := opts.Validator; v != nil {
			h.Validator = func(c *engine.Context, name string, args converter.Values) error { return v(c, name, args) }
		}
	}
	return impl(ctx).SetUpdateHandler("", h)
}

// GetUpdateHandler returns the handler of the named update, or nil.
func GetUpdateHandler(ctx Context, name string) UpdateHandlerFunc {
	if h := impl(ctx).UpdateHandlerFor(name); name != "" && h != nil {
		fn, _ := h.User.(UpdateHandlerFunc)
		return fn
	}
	return nil
}

// GetDynamicUpdateHandler returns the dynamic update handler, or nil.
func GetDynamicUpdateHandler(ctx Context) DynamicUpdateHandlerFunc {
	if h := impl(ctx).UpdateHandlerFor(""); h != nil {
		fn, _ := h.User.(DynamicUpdateHandlerFunc)
		return fn
	}
	return nil
}

// UpdateInfo identifies the update a handler is running for.
type UpdateInfo struct {
	ID   string
	Name string
}

// CurrentUpdateInfo returns the update the calling handler runs for, or
// nil outside update handlers and validators.
func CurrentUpdateInfo(ctx Context) *UpdateInfo {
	if u := impl(ctx).UpdateInfo(); u != nil {
		return &UpdateInfo{ID: u.ID, Name: u.Name}
	}
	return nil
}

// AllHandlersFinished reports whether no signal or update handler is
// running. Wait for it before returning from the workflow so that no
// handler's work is abandoned:
//
//	workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
func AllHandlersFinished(ctx Context) bool { return impl(ctx).Run().AllHandlersFinished() }

// Yield lets the workflow's other ready coroutines run before the caller
// continues. Generated code calls it after registering handlers, so that
// signals and updates that arrived with the first workflow task see the
// state left by the workflow's init.
func Yield(ctx Context) { impl(ctx).Yield() }

// GetCurrentDetails returns the text set with SetCurrentDetails.
func GetCurrentDetails(ctx Context) string { return impl(ctx).Run().CurrentDetails() }

// SetCurrentDetails sets a short text (Markdown is fine) describing what
// the workflow is doing now; the Temporal UI and CLI show it through the
// __temporal_workflow_metadata query.
func SetCurrentDetails(ctx Context, details string) { impl(ctx).Run().SetCurrentDetails(details) }

// checkName rejects an empty handler name: "" is how the engine names the
// dynamic handler, which has its own setters.
func checkName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("workflow: %s handler name is empty; use SetDynamic%sHandler for a handler of every name", kind, kind)
	}
	return nil
}
