package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a source position: file name, 1-based line and 1-based column
// (in bytes, like go/token). The zero Pos is unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as file:line:col, or "-" for the zero Pos.
func (p Pos) String() string {
	if p.File == "" && p.Line == 0 {
		return "-"
	}
	if p.Col == 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether p is known.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Compare orders positions by file, line and column.
func (p Pos) Compare(q Pos) int {
	if c := strings.Compare(p.File, q.File); c != 0 {
		return c
	}
	if c := cmp.Compare(p.Line, q.Line); c != 0 {
		return c
	}
	return cmp.Compare(p.Col, q.Col)
}

// Error is a problem found at a source position. Its message is lowercase,
// names the rule that was broken and, where obvious, the fix.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats e as file:line:col: message.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf returns a positioned *Error.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// SortErrors sorts errs by position, then message (errors without a
// position first), and removes exact duplicates. It returns the result.
func SortErrors(errs []error) []error {
	slices.SortStableFunc(errs, func(a, b error) int {
		pa, pb := posOf(a), posOf(b)
		if c := pa.Compare(pb); c != 0 {
			return c
		}
		return strings.Compare(a.Error(), b.Error())
	})
	return slices.CompactFunc(errs, func(a, b error) bool { return a.Error() == b.Error() })
}

func posOf(err error) Pos {
	if e, ok := err.(*Error); ok {
		return e.Pos
	}
	return Pos{}
}
