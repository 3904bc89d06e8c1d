// Package errtesthelpercollision declares names the typed test helpers
// would take: GreeterInEnv is declared, Counter has handlers named like
// the methods every XInEnv has (Env, Execute), OnPingActivity is both the
// main file's stub of activity OnPing and the test mock of activity Ping,
// and OnTickActivity is declared.
package errtesthelpercollision

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

// GreeterInEnv is in the way of the generated test driver of Greeter.
type GreeterInEnv struct{}

//temporal:workflow
type Counter struct{ n int }

//temporal:run
func (c *Counter) Run(ctx workflow.Context) (int, error) { return c.n, nil }

//temporal:signal
func (c *Counter) Env(ctx workflow.Context) { c.n++ }

//temporal:query
func (c *Counter) Execute() (int, error) { return c.n, nil }

//temporal:activity
func Ping(ctx context.Context) error { return nil }

//temporal:activity
func OnPing(ctx context.Context) error { return nil }

//temporal:activity
func Tick(ctx context.Context) error { return nil }

// OnTickActivity is in the way of the generated mock of Tick.
func OnTickActivity() {}
