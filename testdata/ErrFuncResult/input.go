package errfuncresult

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Maker struct{}

//temporal:run
func (m *Maker) Run(ctx workflow.Context) (func() int, error) { return nil, nil }

//temporal:query
func (m *Maker) Getter() (func(string) bool, error) { return nil, nil }

//temporal:activity
func Build(ctx context.Context) (map[string]func(), error) { return nil, nil }
