package escape

import (
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Esc uses the escape hatch.
//
//temporal:workflow
type Esc struct{}

//temporal:run
func (e *Esc) Run(ctx workflow.Context) error { // want Run:"nondeterministic"
	_ = time.Now() //temporal:nondeterministic-ok logged only, never branched on
	//temporal:nondeterministic-ok the next line is fine too
	_ = time.Now()
	_ = time.Now() // want `call to time.Now`
	/* want `needs a reason` */ //temporal:nondeterministic-ok
	_ = time.Now()              // the reason-less escape above still silences this line
	return nil
}
