// Package usesbroken imports a package that does not compile.
package usesbroken

import "github.com/temporalgen/temporalgen/gen/load/testdata/broken"

// Twice doubles what broken computes.
func Twice() int { return 2 * broken.F() }
