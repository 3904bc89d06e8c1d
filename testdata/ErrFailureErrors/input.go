package errfailureerrors

import "github.com/temporalgen/temporalgen/runtime/workflow"

// ErrOutOfStock fails the workflow.
type ErrOutOfStock struct{}

func (ErrOutOfStock) Error() string { return "out of stock" }

// ErrDeclined implements error on its pointer.
type ErrDeclined struct{}

func (*ErrDeclined) Error() string { return "declined" }

// Reason is not an error.
type Reason string

//temporal:workflow failure_errors=ErrOutOfStock,Reason,ErrDeclined,ErrMissing,ErrOutOfStok
type Order struct{}

//temporal:run
func (o *Order) Run(ctx workflow.Context) error { return nil }
