// Package clock is called by the workflow of ErrNondeterministicImport.
package clock

import "time"

// Stamp reads the clock two calls down.
func Stamp() time.Time { return now() }

func now() time.Time { return time.Now() }

// Ticker counts in the background.
type Ticker struct{ n int }

// Tick starts a goroutine.
func (t *Ticker) Tick() {
	go func() {}()
	t.n++
}
