package errunknownkey

import "github.com/temporalgen/temporalgen/runtime/workflow"

//temporal:workflow nmae=Greet taskqueue=q
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:signal descripton="add a name" unfinished=sometimes
func (g *Greeter) Add(ctx workflow.Context, name string) {}

//temporal:query dynamic=true name
func (g *Greeter) Count() (int, error) { return 0, nil }

//temporal:update description="unterminated
func (g *Greeter) Set(ctx workflow.Context, n int) error { return nil }

//temporal:sginal
func (g *Greeter) Other(ctx workflow.Context) {}
