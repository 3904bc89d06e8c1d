// Package errgeneratedcollision declares workflows whose generated names
// collide: Foo's signal BarBaz and FooBar's signal Baz both give
// FooBarBazSignalName and SignalWithStartFooBarBaz; activities Ping and
// (*Pinger).Ping both give PingActivity.
package errgeneratedcollision

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Foo struct{}

//temporal:run
func (f *Foo) Run(ctx workflow.Context) error { return nil }

//temporal:signal
func (f *Foo) BarBaz(ctx workflow.Context) {}

//temporal:workflow
type FooBar struct{}

//temporal:run
func (f *FooBar) Run(ctx workflow.Context) error { return nil }

//temporal:signal
func (f *FooBar) Baz(ctx workflow.Context) {}

//temporal:activity name=ping
func Ping(ctx context.Context) error { return nil }

//temporal:activity
type Pinger struct{}

// Ping pings.
func (Pinger) Ping(ctx context.Context) error { return nil }
