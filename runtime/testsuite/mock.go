package testsuite

import (
	"context"
	"fmt"
	"sync/atomic"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/wfreg"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Mock is an activity or child workflow replaced for a test. It counts
// its calls; Times and AtLeastOnce set what the test expects, checked
// when the test ends.
type Mock struct {
	kind, name string
	calls      atomic.Int64
	want       int64 // -1: no expectation
	atLeast    bool
}

// Calls returns how many times the mock has been called so far.
func (m *Mock) Calls() int { return int(m.calls.Load()) }

// Times expects exactly n calls by the end of the test.
func (m *Mock) Times(n int) *Mock { m.want, m.atLeast = int64(n), false; return m }

// AtLeastOnce expects the mock to be called.
func (m *Mock) AtLeastOnce() *Mock { m.want, m.atLeast = 1, true; return m }

// unmet describes an unmet expectation, "" when there is none.
func (m *Mock) unmet() string {
	n := m.calls.Load()
	switch {
	case m.want < 0, m.atLeast && n >= m.want, !m.atLeast && n == m.want:
		return ""
	case m.atLeast:
		return fmt.Sprintf("testsuite: %s mock %q was expected to be called but never was", m.kind, m.name)
	default:
		return fmt.Sprintf("testsuite: %s mock %q was expected to be called %d times, got %d", m.kind, m.name, m.want, n)
	}
}

// OnActivity replaces the activity type name, registered or not, with
// fn, a function of an activity's shape (func(context.Context, A...) (R,
// error) or func(context.Context, A...) error). Every call of the type
// runs fn, as activity or local activity. A fn of another shape fails the
// test, naming the activity. Generated On<Activity> functions are the
// typed form.
func (e *Env) OnActivity(name string, fn any) *Mock {
	e.t.Helper()
	m := e.newMock("activity", name)
	reg := actworker.NewRegistry()
	if err := reg.Register(name, fn); err != nil {
		e.t.Fatalf("testsuite: mock of activity %q: %v", name, err)
		return m
	}
	inner, _ := reg.Lookup(name)
	counted := func(ctx context.Context, dc converter.DataConverter, in *commonpb.Payloads) (*commonpb.Payloads, error) {
		m.calls.Add(1)
		return inner(ctx, dc, in)
	}
	if err := e.mocks.RegisterFunc(name, counted); err != nil {
		e.t.Fatalf("testsuite: mock of activity %q: %v", name, err)
	}
	return m
}

// OnWorkflow replaces the child workflow type name with fn, a function
// of a workflow's shape; the child runs fn in the environment. A fn of
// another shape fails the test, naming the workflow.
func (e *Env) OnWorkflow(name string, fn any) *Mock {
	e.t.Helper()
	m := e.newMock("workflow", name)
	inner, err := wfreg.Adapt(name, fn, e.opts.DataConverter)
	if err != nil {
		e.t.Fatalf("testsuite: mock of workflow %q: %v", name, err)
		return m
	}
	run := inner
	if e.srv != nil {
		// On a server the worker runs the mock; in memory the
		// environment counts the children it starts (the replay check
		// runs workflow code again).
		run = func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
			if !workflow.IsReplaying(ctx) {
				m.calls.Add(1)
			}
			return inner(ctx, in)
		}
	}
	e.workflowMocks[name] = m
	if err := e.childMocks.Register(name, run, wfreg.Options{}); err != nil {
		e.t.Fatalf("testsuite: mock of workflow %q: %v", name, err)
	}
	return m
}

func (e *Env) newMock(kind, name string) *Mock {
	m := &Mock{kind: kind, name: name, want: -1}
	e.t.Cleanup(func() {
		if msg := m.unmet(); msg != "" {
			e.t.Errorf("%s", msg)
		}
	})
	return m
}
