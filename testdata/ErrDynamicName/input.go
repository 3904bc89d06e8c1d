package errdynamicname

import (
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow dynamic name=Any
type Anything struct{}

//temporal:run
func (a *Anything) Run(ctx workflow.Context, args converter.Values) error { return nil }

//temporal:signal dynamic name=all
func (a *Anything) OnSignal(ctx workflow.Context, name string, args converter.Values) {}
