package errfailureerrors

import (
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var _ = temporal.ErrMissingTimeout

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

//temporal:workflow failure_errors=temporal.NondeterminismErr,nosuch.Error,temporal.RetryPolicy
type Imported struct{}

//temporal:run
func (i *Imported) Run(ctx workflow.Context) error { return nil }

//temporal:run
func (o *Order) Run(ctx workflow.Context) error { return nil }
