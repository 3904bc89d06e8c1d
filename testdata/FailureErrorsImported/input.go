// Package failureerrorsimported lists error types of other packages in
// failure_errors, by the file's imports: a renamed import, and the
// runtime's NondeterminismError.
package failureerrorsimported

import (
	"errors"
	"os"

	tmp "github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// ErrLocal is declared here.
type ErrLocal struct{}

func (ErrLocal) Error() string { return "local" }

// The file uses its imports, as any Go file must; a directive naming
// pkg.T resolves pkg through them.
var (
	_ = errors.New
	_ *os.PathError
	_ *tmp.NondeterminismError
)

// Job fails (instead of retrying its task) on nondeterminism, on a
// missing file, and on ErrLocal.
//
//temporal:workflow failure_errors=tmp.NondeterminismError,os.PathError,ErrLocal
type Job struct{}

//temporal:run
func (j *Job) Run(ctx workflow.Context) error { return nil }
