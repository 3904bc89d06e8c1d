// Package sibling imports a package of its own module, the standard
// library and temporalgen's runtime.
package sibling

import (
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/gen/load/testdata/sibling/helper"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Greet greets at the workflow's time, after the helper's delay: the
// time.Time and time.Duration of this package, of the helper and of the
// runtime must be the same types.
func Greet(ctx workflow.Context, name string) string {
	var at time.Time = workflow.Now(ctx)
	var d time.Duration = helper.Delay()
	return fmt.Sprint(helper.Greeting(name), at.Add(d))
}
