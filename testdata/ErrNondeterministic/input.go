package errnondeterministic

import (
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Clock struct{ seen map[string]bool }

//temporal:run
func (c *Clock) Run(ctx workflow.Context) (time.Time, error) {
	for k := range c.seen {
		_ = k
	}
	return stamp(), nil
}

func stamp() time.Time { return time.Now() }

//temporal:workflow sandboxed=false
type Free struct{}

//temporal:run
func (f *Free) Run(ctx workflow.Context) (time.Time, error) { return time.Now(), nil }
