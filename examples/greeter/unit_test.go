package greeter_test

// Unit tests of the example on the in-process, time-skipping test
// environment (runtime/testsuite): no server. `go test -short
// ./examples/greeter` runs only these.

import (
	"strings"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/examples/greeter"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func newEnv(t *testing.T) *testsuite.Env {
	env := testsuite.New(t, testsuite.Options{})
	if err := greeter.Register(env, &greeter.Activities{Punctuation: "!"}); err != nil {
		t.Fatal(err)
	}
	return env
}

func TestGreeterWaitsForTwoNames(t *testing.T) {
	env := newEnv(t)
	env.RegisterDelayedCallback(func() {
		if err := env.SignalWorkflow(greeter.GreeterAddNameSignalName, "ada"); err != nil {
			t.Error(err)
		}
	}, time.Hour)
	var namesBefore []string
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(greeter.GreeterNamesQueryName)
		if err == nil {
			err = v.Get(0, &namesBefore)
		}
		if err != nil {
			t.Error(err)
		}
		if err := env.SignalWorkflow(greeter.GreeterAddNameSignalName, "grace"); err != nil {
			t.Error(err)
		}
	}, 48*time.Hour)
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, greeter.GreeterWorkflowName, greeter.GreetInput{Greeting: "Hello", Expect: 2})
	var out string
	if err := res.Get(&out); err != nil {
		t.Fatal(err)
	}
	if want := "HELLO, ADA! HELLO, GRACE!"; out != want {
		t.Errorf("result %q, want %q", out, want)
	}
	if len(namesBefore) != 1 || namesBefore[0] != "ada" {
		t.Errorf("names after one day %q, want [ada]: the workflow did not wait for the second name", namesBefore)
	}
	if d := env.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d != 48*time.Hour {
		t.Errorf("the workflow ended %s after its start, want 48h (when the second name came)", d)
	}
}

func TestGreeterRenameValidator(t *testing.T) {
	env := newEnv(t)
	var rejected error
	var renamed int
	env.RegisterDelayedCallback(func() {
		_ = env.SignalWorkflow(greeter.GreeterAddNameSignalName, "ada")
		_ = env.UpdateWorkflow(greeter.GreeterRenameUpdateName, "", testsuite.UpdateCallbacks{
			OnReject: func(err error) { rejected = err },
		}, greeter.Rename{From: "bob", To: "Bob"})
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		_ = env.UpdateWorkflow(greeter.GreeterRenameUpdateName, "", testsuite.UpdateCallbacks{
			OnComplete: func(v converter.Values, err error) {
				if err == nil {
					err = v.Get(0, &renamed)
				}
				if err != nil {
					t.Error(err)
				}
			},
		}, greeter.Rename{From: "ada", To: "Ada"})
	}, 2*time.Minute)
	env.RegisterDelayedCallback(func() { _ = env.SignalWorkflow(greeter.GreeterAddNameSignalName, "grace") }, 3*time.Minute)
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, greeter.GreeterWorkflowName, greeter.GreetInput{Greeting: "Hi", Expect: 2})
	var out string
	if err := res.Get(&out); err != nil {
		t.Fatal(err)
	}
	if rejected == nil || !strings.Contains(rejected.Error(), greeter.ErrUnknownName.Error()) {
		t.Errorf("renaming an unknown name: %v, want a rejection", rejected)
	}
	if renamed != 1 || out != "HI, ADA! HI, GRACE!" {
		t.Errorf("renamed %d, result %q", renamed, out)
	}
}

func TestGreeterChildIsMockable(t *testing.T) {
	env := newEnv(t)
	shouter := env.OnWorkflow(greeter.ShouterWorkflowName, func(_ workflow.Context, text string) (string, error) {
		return "mocked: " + text, nil
	}).Times(1)
	env.RegisterDelayedCallback(func() { _ = env.SignalWorkflow(greeter.GreeterAddNameSignalName, "ada") }, time.Second)
	var out string
	if err := env.ExecuteWorkflow(testsuite.StartOptions{}, greeter.GreeterWorkflowName, greeter.GreetInput{Greeting: "Hey", Expect: 1}).Get(&out); err != nil {
		t.Fatal(err)
	}
	if out != "mocked: Hey, ada!" || shouter.Calls() != 1 {
		t.Errorf("result %q after %d calls of the mock, want the mocked child's", out, shouter.Calls())
	}
}
