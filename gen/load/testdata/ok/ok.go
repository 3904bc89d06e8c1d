package ok

import "fmt"

// Hello greets.
func Hello() string { return fmt.Sprint("hello") }
