// Package errnondeterministicimport has a workflow whose nondeterminism
// is in another package of the module: gen/load type-checks that package
// from source, so the analyzer follows the call through facts.
package errnondeterministicimport

import (
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
	"github.com/temporalgen/temporalgen/testdata/ErrNondeterministicImport/clock"
)

//temporal:workflow
type Stamper struct{ ticks clock.Ticker }

//temporal:run
func (s *Stamper) Run(ctx workflow.Context) (time.Time, error) {
	s.ticks.Tick()
	return clock.Stamp(), nil
}
