// Package paramnames uses parameter names that generated code also wants
// (ctx, c, opts, err, args, h, w, client, workflow) and unnamed ones: the
// generator renames its own.
package paramnames

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Item is a value.
type Item struct{ N int }

// Clash has parameters named like generated locals.
//
//temporal:workflow
type Clash struct{}

//temporal:run
func (x *Clash) Run(ctx workflow.Context, c string, opts Item, err int, args []Item, h map[string]Item) (Item, error) {
	return opts, nil
}

//temporal:signal
func (x *Clash) Poke(ctx workflow.Context, client string, workflow int) {}

//temporal:query
func (x *Clash) Peek(_ string, _ int) (string, error) { return "", nil }

//temporal:update validator=CheckSet
func (x *Clash) Set(ctx workflow.Context, w Item, dc string, input int, stage bool) (Item, error) {
	return w, nil
}

// CheckSet accepts everything.
func (x *Clash) CheckSet(w Item, dc string, input int, stage bool) error { return nil }

//temporal:activity
func Work(ctx context.Context, dc string, input int, out Item, args string) (Item, error) { return out, nil }
