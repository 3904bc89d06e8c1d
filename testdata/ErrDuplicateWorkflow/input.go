// Package errduplicateworkflow registers two workflows under one name and
// declares two dynamic workflows.
package errduplicateworkflow

import (
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

//temporal:workflow name=job
type JobV1 struct{}

//temporal:run
func (j *JobV1) Run(ctx workflow.Context) error { return nil }

//temporal:workflow name=job
type JobV2 struct{}

//temporal:run
func (j *JobV2) Run(ctx workflow.Context) error { return nil }

//temporal:workflow dynamic
type AnyA struct{}

//temporal:run
func (a *AnyA) Run(ctx workflow.Context, args converter.Values) error { return nil }

//temporal:workflow dynamic
type AnyB struct{}

//temporal:run
func (a *AnyB) Run(ctx workflow.Context, args converter.Values) error { return nil }
