// Package dynamicworkflow declares a dynamic workflow with typed and
// dynamic handlers and a validator for the dynamic update.
package dynamicworkflow

import (
	"fmt"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Any runs every workflow type that is not registered otherwise.
//
//temporal:workflow dynamic task_queue=fallback
type Any struct{ log []string }

//temporal:run
func (a *Any) Run(ctx workflow.Context, args converter.Values) ([]string, error) {
	return append(a.log, fmt.Sprint(args.Len())), nil
}

//temporal:signal
func (a *Any) Note(ctx workflow.Context, s string) { a.log = append(a.log, s) }

//temporal:signal dynamic description="everything else"
func (a *Any) Other(ctx workflow.Context, name string, args converter.Values) error { return nil }

//temporal:update dynamic validator=CheckAny
func (a *Any) Handle(ctx workflow.Context, name string, args converter.Values) (any, error) {
	return args.Len(), nil
}

// CheckAny rejects updates without arguments.
func (a *Any) CheckAny(name string, args converter.Values) error { return nil }
