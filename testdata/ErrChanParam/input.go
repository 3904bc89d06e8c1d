package errchanparam

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Pipe struct{}

//temporal:run
func (p *Pipe) Run(ctx workflow.Context, in chan string) error { return nil }

//temporal:signal
func (p *Pipe) Push(ctx workflow.Context, items []chan int) {}

//temporal:activity
func Drain(ctx context.Context, out chan<- string) error { return nil }
