package errnexus

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

type In struct{ N int }

//temporal:nexus name=svc colour=red
type Wrong interface {
	NoInput(ctx context.Context) (int, error)
	Two(ctx context.Context, a In, b In) (int, error)
	Blocking(ctx workflow.Context, in In) (int, error)
	Results(ctx context.Context, in In) (int, string, error)
	//temporal:operation name=dup
	A(ctx context.Context, in In) error
	//temporal:operation name=dup
	B(ctx context.Context, in In) error
	//temporal:signal
	C(ctx context.Context, in In) error
	Callback(ctx context.Context, f func()) error
}

//temporal:nexus name=svc
type Other struct{}

func (o *Other) Op(ctx context.Context, in In) error { return nil }

//temporal:nexus name=svc
type Same struct{}

func (s *Same) Op(ctx context.Context, in In) error { return nil }

//temporal:nexus
type Number int

type NotService struct{}

//temporal:operation
func (n *NotService) Op(ctx context.Context, in In) error { return nil }
