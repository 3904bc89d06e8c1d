// Package shared holds types used by another golden case.
package shared

import "time"

// Window is a time range.
type Window struct{ From, To time.Time }

// Page is a generic page of items.
type Page[T any] struct {
	Items []T
	Next  string
}
