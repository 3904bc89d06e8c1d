package errencodable

import (
	"context"
	"io"
	"unsafe"
)

// Job has an unencodable field deep inside.
type Job struct {
	Name  string
	Steps []Step
	done  chan struct{} // unexported: ignored
	Skip  func()        `json:"-"`
}

// Step is part of a Job.
type Step struct {
	Callback func(string)
}

// Point is a map key that JSON cannot encode.
type Point struct{ X, Y int }

//temporal:activity
func Run(ctx context.Context, job Job) error { return nil }

//temporal:activity
func Read(ctx context.Context, r io.Reader) error { return nil }

//temporal:activity
func Grid(ctx context.Context, cells map[Point]string) error { return nil }

//temporal:activity
func Wave(ctx context.Context, amp complex128) error { return nil }

//temporal:activity
func Raw(ctx context.Context, p unsafe.Pointer) error { return nil }

//temporal:activity
func Anon(ctx context.Context, p struct{ X int }) error { return nil }

//temporal:activity
func Fine(ctx context.Context, m map[string][]*Point, v any, b []byte) (*Job, error) { return nil, nil }
