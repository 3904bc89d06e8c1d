// Package helper is imported by its sibling.
package helper

import (
	"strings"
	"time"
)

// Greeting returns a greeting.
func Greeting(name string) string { return "hello " + strings.TrimSpace(name) }

// Delay is how long to wait.
func Delay() time.Duration { return time.Second }
