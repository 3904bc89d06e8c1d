// Package helper is called by workflows of another package.
package helper

import (
	"fmt"
	"time"
)

// Stamp is nondeterministic two calls down.
func Stamp(s string) string { return format(s) } // want Stamp:"nondeterministic"

func format(s string) string { return fmt.Sprint(s, clock()) }

func clock() time.Time { return time.Now() }

// Pure is fine.
func Pure(s string) string { return fmt.Sprint(s, "!") }

// Counter counts.
type Counter struct{ n int }

// Inc is nondeterministic through a method.
func (c *Counter) Inc() { // want Inc:"nondeterministic"
	go func() {}()
	c.n++
}

// Trusted is silenced at its source.
func Trusted() time.Time {
	return time.Now() //temporal:nondeterministic-ok only used for logging
}
