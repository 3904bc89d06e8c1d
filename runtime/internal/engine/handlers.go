package engine

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// UnfinishedPolicy says what to do when the workflow ends while a signal
// or update handler is still running.
type UnfinishedPolicy int

const (
	// WarnAndAbandon logs a warning naming the handler (the default).
	WarnAndAbandon UnfinishedPolicy = iota
	// Abandon says nothing.
	Abandon
)

// SignalHandler handles a signal. It runs as its own coroutine and may
// block. name is the signal's name (useful for dynamic handlers).
type SignalHandler struct {
	User        any // what the user registered, returned by the Get functions
	Fn          func(ctx *Context, name string, args converter.Values) error
	Description string
	Unfinished  UnfinishedPolicy
}

// QueryHandler answers a query. It runs read-only and must not block.
type QueryHandler struct {
	User        any
	Fn          func(ctx *Context, name string, args converter.Values) (any, error)
	Description string
}

// UpdateHandler handles an update; Validator (optional) runs read-only
// before the update is accepted.
type UpdateHandler struct {
	User        any
	Fn          func(ctx *Context, name string, args converter.Values) (any, error)
	Validator   func(ctx *Context, name string, args converter.Values) error
	Description string
	Unfinished  UnfinishedPolicy
}

type bufferedSignal struct {
	name   string
	input  *commonpb.Payloads
	header *commonpb.Header
}

// running tracks a signal or update handler that has not returned.
type running struct {
	kind, name, id string
	policy         UnfinishedPolicy
}

type handlers struct {
	signals       map[string]*SignalHandler
	queries       map[string]*QueryHandler
	updates       map[string]*UpdateHandler
	dynSignal     *SignalHandler
	dynQuery      *QueryHandler
	dynUpdate     *UpdateHandler
	buffered      []bufferedSignal
	running       map[*running]struct{}
	currentDetail string
}

// lazily makes a map on first write: most runs set few handlers.
func lazily[K comparable, V any](m *map[K]V) map[K]V {
	if *m == nil {
		*m = make(map[K]V)
	}
	return *m
}

// checkWritable returns a ReadOnlyContextError while a query or validator
// runs.
func (r *Run) checkWritable(op string) error {
	if r.readOnly {
		return &temporal.ReadOnlyContextError{Op: op}
	}
	return nil
}

// SetSignalHandler sets (or with nil, removes) the handler of a signal; an
// empty name sets the dynamic handler. Signals buffered for the name (all
// of them, for the dynamic handler) are delivered.
func (c *Context) SetSignalHandler(name string, h *SignalHandler) error {
	r := c.run
	if err := r.checkWritable("SetSignalHandler"); err != nil {
		return err
	}
	if name == "" {
		r.h.dynSignal = h
	} else if h == nil {
		delete(r.h.signals, name)
	} else {
		lazily(&r.h.signals)[name] = h
	}
	if h == nil {
		return nil
	}
	kept := r.h.buffered[:0]
	var deliver []bufferedSignal
	for _, s := range r.h.buffered {
		if name == "" || s.name == name {
			deliver = append(deliver, s)
		} else {
			kept = append(kept, s)
		}
	}
	r.h.buffered = kept
	for _, s := range deliver {
		r.startSignal(s, false)
	}
	return nil
}

// SignalHandlerFor returns the handler set for name ("" for the dynamic
// one), or nil.
func (c *Context) SignalHandlerFor(name string) *SignalHandler {
	if name == "" {
		return c.run.h.dynSignal
	}
	return c.run.h.signals[name]
}

// SetQueryHandler sets (or with nil, removes) a query handler; an empty
// name sets the dynamic handler.
func (c *Context) SetQueryHandler(name string, h *QueryHandler) error {
	r := c.run
	if err := r.checkWritable("SetQueryHandler"); err != nil {
		return err
	}
	if strings.HasPrefix(name, "__") {
		return fmt.Errorf("workflow: query names starting with __ are reserved: %q", name)
	}
	switch {
	case name == "":
		r.h.dynQuery = h
	case h == nil:
		delete(r.h.queries, name)
	default:
		lazily(&r.h.queries)[name] = h
	}
	return nil
}

// QueryHandlerFor returns the handler set for name, or nil.
func (c *Context) QueryHandlerFor(name string) *QueryHandler {
	if name == "" {
		return c.run.h.dynQuery
	}
	return c.run.h.queries[name]
}

// SetUpdateHandler sets (or with nil, removes) an update handler; an empty
// name sets the dynamic handler.
func (c *Context) SetUpdateHandler(name string, h *UpdateHandler) error {
	r := c.run
	if err := r.checkWritable("SetUpdateHandler"); err != nil {
		return err
	}
	switch {
	case name == "":
		r.h.dynUpdate = h
	case h == nil:
		delete(r.h.updates, name)
	default:
		lazily(&r.h.updates)[name] = h
	}
	return nil
}

// UpdateHandlerFor returns the handler set for name, or nil.
func (c *Context) UpdateHandlerFor(name string) *UpdateHandler {
	if name == "" {
		return c.run.h.dynUpdate
	}
	return c.run.h.updates[name]
}

// signal delivers a signal event: to its handler as a new coroutine, or to
// the buffer when no handler is set.
func (r *Run) signal(name string, input *commonpb.Payloads, header *commonpb.Header) {
	s := bufferedSignal{name: name, input: input, header: header}
	if r.h.signals[name] == nil && r.h.dynSignal == nil {
		r.h.buffered = append(r.h.buffered, s)
		return
	}
	r.startSignal(s, true)
}

// startSignal runs a signal's handler as a coroutine. Coroutines for
// signals from history go first, so handlers see a signal before the code
// it unblocks.
func (r *Run) startSignal(s bufferedSignal, first bool) {
	h := r.h.signals[s.name]
	if h == nil {
		h = r.h.dynSignal
	}
	rn := &running{kind: "signal", name: s.name, policy: h.Unfinished}
	lazily(&r.h.running)[rn] = struct{}{}
	body := func(*Context) {
		defer delete(r.h.running, rn)
		err := r.callSignal(h, r.root, s.name, converter.NewValues(s.input, r.cfg.DataConverter), s.header)
		var de *converter.DecodeError
		switch {
		case errors.As(err, &de):
			r.Logger().Warn("signal dropped: its payload cannot be decoded", "signal", s.name, "type", de.Type, "error", err)
		case err != nil:
			r.failFromHandler(err)
		}
	}
	name := "signal:" + s.name
	if first {
		r.sched.SpawnFirst(name, func(*coro.Coroutine) { body(r.root) })
	} else {
		r.Go(r.root, name, body)
	}
}

// failFromHandler fails the workflow with an error a handler returned.
func (r *Run) failFromHandler(err error) {
	r.finish(nil, err)
}

// AllHandlersFinished reports whether no signal or update handler is
// running.
func (r *Run) AllHandlersFinished() bool { return len(r.h.running) == 0 }

// warnUnfinished logs the handlers still running when the workflow ends,
// except those whose policy is Abandon: one record for signal handlers
// and one for update handlers (attribute handler_kind), so each can be
// filtered on its own.
func (r *Run) warnUnfinished() {
	byKind := map[string][]string{}
	for rn := range r.h.running {
		if rn.policy == Abandon {
			continue
		}
		if rn.id != "" {
			byKind[rn.kind] = append(byKind[rn.kind], fmt.Sprintf("%s (id %s)", rn.name, rn.id))
		} else {
			byKind[rn.kind] = append(byKind[rn.kind], rn.name)
		}
	}
	for _, kind := range []string{"signal", "update"} {
		names := byKind[kind]
		if len(names) == 0 {
			continue
		}
		sort.Strings(names)
		r.Logger().Warn("[TMPRL1102] workflow finished while "+kind+" handlers are still running; their work is abandoned",
			"code", "TMPRL1102", "handler_kind", kind, "handlers", names)
	}
}

// knownQueries lists the query names a query can use, sorted.
func (r *Run) knownQueries() []string {
	names := []string{stackTraceQuery, metadataQuery}
	for n := range r.h.queries {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// errUnknownUpdate is the rejection of an update with no handler.
func errUnknownUpdate(name string, known []string) error {
	return temporal.NewApplicationError(fmt.Sprintf("unknown update %q; known updates: [%s]", name, strings.Join(known, ", ")), "UnknownUpdate")
}
