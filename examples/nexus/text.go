// Package nexus is temporalgen's Nexus example: a Nexus service declared
// as a Go interface, its implementation, and a workflow that calls it
// through the typed client temporalgen generates into nexus_temporal.go
// (the Python SDK's workflow.create_nexus_client(service=...)).
//
// # Serving the service
//
// A worker serves every operation of Text with one call; an endpoint
// routes calls to the worker's task queue:
//
//	w := worker.New(c, "text", worker.Options{})
//	if err := nexus.RegisterTextNexus(w, nexus.TextHandler{Suffix: "!"}); err != nil { ... }
//
//	temporal operator nexus endpoint create --name text-endpoint \
//	    --target-namespace default --target-task-queue text
//
// # Calling it from a workflow
//
//	text := nexus.NewTextNexusClient("text-endpoint")
//	out, err := text.Upper(ctx, workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute}, nexus.UpperInput{Text: "hi"}).Get(ctx)
//
// An operation that fails gives a *temporal.NexusOperationError whose
// Cause is the handler's *temporal.ApplicationError.
package nexus

//go:generate go run github.com/temporalgen/temporalgen/cmd/temporalgen -docs

import (
	"context"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// UpperInput is the input of Text.Upper.
type UpperInput struct{ Text string }

// UpperOutput is the result of Text.Upper.
type UpperOutput struct {
	Text   string
	Length int
}

// RefusedError is the ApplicationError type with which Text.Refuse fails.
const RefusedError = "Refused"

// Text is the Nexus service "text"; any implementation serves it.
//
//temporal:nexus name=text
type Text interface {
	// Upper returns the text in upper case.
	Upper(ctx context.Context, in UpperInput) (UpperOutput, error)
	// Refuse always fails, with a RefusedError application error.
	//
	//temporal:operation name=refuse
	Refuse(ctx context.Context, reason string) error
}

// TextHandler implements Text.
type TextHandler struct {
	Suffix string // appended to every upper-cased text
}

// Upper returns in.Text in upper case, followed by h.Suffix.
func (h TextHandler) Upper(_ context.Context, in UpperInput) (UpperOutput, error) {
	s := strings.ToUpper(in.Text) + h.Suffix
	return UpperOutput{Text: s, Length: len(s)}, nil
}

// Refuse fails with a non-retryable RefusedError naming reason.
func (h TextHandler) Refuse(_ context.Context, reason string) error {
	return temporal.NewNonRetryableApplicationError("refused: "+reason, RefusedError, nil)
}

// ShoutInput is the input of Shout.
type ShoutInput struct {
	Endpoint string // the Nexus endpoint of the text service
	Text     string
	Refuse   string // when set, Shout also calls Refuse with it, and fails with its error
}

// Shout upper-cases a text through the text service.
//
//temporal:workflow
type Shout struct{}

//temporal:run
func (s *Shout) Run(ctx workflow.Context, in ShoutInput) (UpperOutput, error) {
	text := NewTextNexusClient(in.Endpoint)
	opts := workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute}
	out, err := text.Upper(ctx, opts, UpperInput{Text: in.Text}).Get(ctx)
	if err != nil || in.Refuse == "" {
		return out, err
	}
	_, err = text.Refuse(ctx, opts, in.Refuse).Get(ctx)
	return out, err
}
