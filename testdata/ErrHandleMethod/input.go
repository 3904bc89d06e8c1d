// Package errhandlemethod has handlers named like the fixed methods of
// the generated handles (Cancel, Result) and an update whose StartX
// method collides with a signal.
package errhandlemethod

import (
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow
type Job struct{}

//temporal:run
func (j *Job) Run(ctx workflow.Context) error { return nil }

//temporal:signal
func (j *Job) Cancel(ctx workflow.Context) {}

//temporal:query
func (j *Job) Result() (int, error) { return 0, nil }

//temporal:update
func (j *Job) Work(ctx workflow.Context) error { return nil }

//temporal:signal
func (j *Job) StartWork(ctx workflow.Context) {}
