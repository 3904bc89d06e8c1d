// Package workflow is a stand-in for the real runtime package, for
// analysistest (which loads packages in GOPATH mode).
package workflow

import "time"

// Context is the workflow context.
type Context interface {
	Err() error
	Value(key any) any
}

var now time.Time

// Now returns the workflow time.
func Now(ctx Context) time.Time { return now }

// Sleep sleeps deterministically.
func Sleep(ctx Context, d time.Duration) error { now = now.Add(d); return nil }

// Go starts a workflow coroutine.
func Go(ctx Context, fn func(ctx Context)) { go fn(ctx) }
