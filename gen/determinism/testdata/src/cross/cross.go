package cross

import (
	"helper"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Orders is a workflow that calls into another package.
//
//temporal:workflow
type Orders struct{ c helper.Counter }

//temporal:run
func (o *Orders) Run(ctx workflow.Context, id string) (string, error) { // want Run:`time.Now via \(\*cross.Orders\).Run → helper.Stamp → helper.format → helper.clock; go statement`
	s := helper.Stamp(id) // want `nondeterministic call to time.Now in workflow Orders \(via \(\*Orders\).Run → helper.Stamp → helper.format → helper.clock, at helper.go:14:33\): use workflow.Now\(ctx\)`
	s = helper.Pure(s)
	o.c.Inc() // want `nondeterministic go statement in workflow Orders \(via \(\*Orders\).Run → \(\*helper.Counter\).Inc, at helper.go:24:2\)`
	_ = helper.Trusted()
	return s, nil
}
