package nexus_test

// Unit tests of the example on the in-process test environment
// (runtime/testsuite), through the helpers temporalgen generates:
// RegisterTextNexus serves the operations in the environment, and
// OnTextNexusUpper mocks one. `go test -short ./examples/nexus` runs only
// these.

import (
	"context"
	"errors"
	"testing"

	"github.com/temporalgen/temporalgen/examples/nexus"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
)

func TestShoutInEnv(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	if err := nexus.Register(env); err != nil {
		t.Fatal(err)
	}
	if err := nexus.RegisterTextNexus(env, nexus.TextHandler{Suffix: "!"}); err != nil {
		t.Fatal(err)
	}
	out, _, err := nexus.ShoutInEnv{Env: env}.Execute(testsuite.StartOptions{}, nexus.ShoutInput{Endpoint: "any", Text: "hi"})
	if err != nil || out != (nexus.UpperOutput{Text: "HI!", Length: 3}) {
		t.Errorf("Execute = %+v, %v", out, err)
	}
}

func TestShoutRefusedInEnv(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	if err := nexus.Register(env); err != nil {
		t.Fatal(err)
	}
	if err := nexus.RegisterTextNexus(env, nexus.TextHandler{}); err != nil {
		t.Fatal(err)
	}
	_, _, err := nexus.ShoutInEnv{Env: env}.Execute(testsuite.StartOptions{}, nexus.ShoutInput{Endpoint: "any", Text: "hi", Refuse: "no"})
	var ne *temporal.NexusOperationError
	var ae *temporal.ApplicationError
	if !errors.As(err, &ne) || ne.Operation != nexus.TextRefuseNexusOperationName || !errors.As(err, &ae) || ae.Type() != nexus.RefusedError {
		t.Errorf("error %v (%T), want a NexusOperationError of refuse caused by a %s ApplicationError", err, err, nexus.RefusedError)
	}
}

func TestShoutWithMockedUpper(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	if err := nexus.Register(env); err != nil {
		t.Fatal(err)
	}
	upper := nexus.OnTextNexusUpper(env, func(_ context.Context, in nexus.UpperInput) (nexus.UpperOutput, error) {
		return nexus.UpperOutput{Text: "mocked " + in.Text}, nil
	}).Times(1)
	out, _, err := nexus.ShoutInEnv{Env: env}.Execute(testsuite.StartOptions{}, nexus.ShoutInput{Endpoint: "any", Text: "hi"})
	if err != nil || out.Text != "mocked hi" || upper.Calls() != 1 {
		t.Errorf("Execute = %+v, %v after %d calls", out, err, upper.Calls())
	}
}

func TestRegisterTextNexusNil(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	if err := nexus.RegisterTextNexus(env, nil); err == nil {
		t.Error("RegisterTextNexus(env, nil) succeeded")
	}
}
