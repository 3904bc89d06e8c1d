// Package many is called by package roots.
package many

import (
	"math/rand"
	"os"
	"time"
)

// Var is written by a workflow of another package.
var Var int

// Nine does nine nondeterministic things; its fact keeps the first eight.
func Nine() { // want Nine:"nondeterministic"
	_ = time.Now()
	_ = time.Since(time.Time{})
	_ = rand.Int()
	_ = os.Getenv("A")
	_ = os.Getpid()
	go func() {}()
	time.Sleep(0)
	_ = time.Until(time.Time{})
	_ = rand.Intn(2)
}
