package engine

import (
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// scope is a cancellation scope. Cancelling a scope cancels its children
// and runs the callbacks registered on it, in registration order.
type scope struct {
	canceled bool
	err      error
	children []*scope
	nextID   int
	onCancel map[int]func()
	order    []int
}

func newScope(parent *scope) *scope {
	s := &scope{}
	if parent != nil {
		if parent.canceled {
			s.canceled, s.err = true, parent.err
		} else {
			parent.children = append(parent.children, s)
		}
	}
	return s
}

// cancel cancels the scope and its children.
func (s *scope) cancel(err error) {
	if s.canceled {
		return
	}
	s.canceled, s.err = true, err
	for _, id := range s.order {
		if f, ok := s.onCancel[id]; ok {
			delete(s.onCancel, id)
			f()
		}
	}
	s.order = nil
	for _, c := range s.children {
		c.cancel(err)
	}
	s.children = nil
}

// watch registers f to run when the scope is cancelled and returns a
// function that unregisters it.
func (s *scope) watch(f func()) (stop func()) {
	if s.onCancel == nil {
		s.onCancel = make(map[int]func())
	}
	id := s.nextID
	s.nextID++
	s.onCancel[id] = f
	s.order = append(s.order, id)
	return func() {
		delete(s.onCancel, id)
		if len(s.onCancel) == 0 {
			s.order = s.order[:0]
		}
	}
}

// Context is the engine's side of workflow.Context: the run it belongs to,
// its cancellation scope and its values. Contexts are immutable; deriving
// one allocates a new node.
type Context struct {
	run    *Run
	scope  *scope
	parent *Context
	key    any
	val    any
}

// Yield lets the workflow's other runnable coroutines run before the
// caller continues.
func (c *Context) Yield() {
	cur := c.run.sched.Current()
	if cur == nil {
		panic("workflow: Yield outside a workflow coroutine")
	}
	cur.Yield()
}

// Run returns the run the context belongs to.
func (c *Context) Run() *Run { return c.run }

// Err returns a *temporal.CanceledError once the context is cancelled.
func (c *Context) Err() error {
	if c.scope.canceled {
		return c.scope.err
	}
	return nil
}

// Value returns the value stored under key by WithValue, or nil.
func (c *Context) Value(key any) any {
	for n := c; n != nil; n = n.parent {
		if n.key != nil && n.key == key {
			return n.val
		}
	}
	return nil
}

// WithValue returns a child context holding key=val.
func (c *Context) WithValue(key, val any) *Context {
	return &Context{run: c.run, scope: c.scope, parent: c, key: key, val: val}
}

// WithCancel returns a child context with its own cancellation scope and the
// function that cancels it.
func (c *Context) WithCancel() (*Context, func()) {
	s := newScope(c.scope)
	return &Context{run: c.run, scope: s, parent: c}, func() {
		s.cancel(temporal.NewCanceledError())
	}
}

// Disconnected returns a child context that keeps c's values but is not
// cancelled when c is: for cleanup work after the workflow was cancelled.
func (c *Context) Disconnected() (*Context, func()) {
	s := newScope(nil)
	return &Context{run: c.run, scope: s, parent: c}, func() {
		s.cancel(temporal.NewCanceledError())
	}
}

// OnCancel registers f to run when c is cancelled (at once if it already
// is) and returns a function that unregisters it.
func (c *Context) OnCancel(f func()) (stop func()) {
	if c.scope.canceled {
		f()
		return func() {}
	}
	return c.scope.watch(f)
}

// Wait blocks the calling coroutine until cond holds. It panics when called
// outside workflow code.
func (c *Context) Wait(cond func() bool) {
	if c.run.readOnly {
		panic(&temporal.ReadOnlyContextError{Op: "a blocking call"})
	}
	cur := c.run.sched.Current()
	if cur == nil {
		panic("workflow: blocking call outside a workflow coroutine")
	}
	cur.WaitUntil(cond)
}
