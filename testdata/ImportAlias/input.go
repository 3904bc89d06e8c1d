// Package importalias declares package-level names that generated code
// would import (client, errors, worker) and that it would use as locals
// (ctx, err): imports get aliases, locals other names.
package importalias

import (
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var client = "not the runtime client"

func errors() string { return client }

// worker is a type named like a package.
type worker struct{ ID int }

// ctx is a type named like a local.
type ctx string

// Job uses those names in its signatures.
//
//temporal:workflow failure_errors=Oops
type Job struct{}

// Oops fails a job.
type Oops struct{}

func (Oops) Error() string { return errors() }

//temporal:run
func (j *Job) Run(c workflow.Context, w worker, x ctx) (worker, error) { return w, nil }

//temporal:signal
func (j *Job) Kick(c workflow.Context, w worker) {}
