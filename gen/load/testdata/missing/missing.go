// Package missing imports a package that no module provides.
package missing

import (
	"example.com/nothere/pkg"
)

// X is from the missing package.
var X = pkg.X
