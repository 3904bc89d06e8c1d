package errquerycontext

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Greeter struct{ names []string }

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:query
func (g *Greeter) Names(ctx workflow.Context) ([]string, error) { return g.names, nil }

//temporal:query
func (g *Greeter) Count(ctx context.Context) (int, error) { return len(g.names), nil }
