package greeter_test

// Unit tests of the example on the in-process, time-skipping test
// environment (runtime/testsuite), through the typed helpers temporalgen
// generates into greeter_temporal_test.go: no server, and no workflow,
// signal, query, update or activity name written here. `go test -short
// ./examples/greeter` runs only these.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/examples/greeter"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func newEnv(t *testing.T) (*testsuite.Env, greeter.GreeterInEnv) {
	env := testsuite.New(t, testsuite.Options{})
	if err := greeter.Register(env, &greeter.Activities{Punctuation: "!"}); err != nil {
		t.Fatal(err)
	}
	return env, greeter.GreeterInEnv{Env: env}
}

func TestGreeterWaitsForTwoNames(t *testing.T) {
	env, g := newEnv(t)
	env.RegisterDelayedCallback(func() {
		if err := g.AddName("ada"); err != nil {
			t.Error(err)
		}
	}, time.Hour)
	var namesBefore []string
	env.RegisterDelayedCallback(func() {
		var err error
		if namesBefore, err = g.Names(); err != nil {
			t.Error(err)
		}
		if err := g.AddName("grace"); err != nil {
			t.Error(err)
		}
	}, 48*time.Hour)
	out, _, err := g.Execute(testsuite.StartOptions{}, greeter.GreetInput{Greeting: "Hello", Expect: 2})
	if err != nil {
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
	if names, err := g.Names(); err != nil || len(names) != 2 {
		t.Errorf("names after the run %q, %v", names, err)
	}
}

func TestGreeterRenameValidator(t *testing.T) {
	env, g := newEnv(t)
	var rejected error
	renamed := -1
	env.RegisterDelayedCallback(func() {
		_ = g.AddName("ada")
		_ = g.Rename(greeter.Rename{From: "bob", To: "Bob"}, func(_ int, err error) { rejected = err })
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		_ = g.Rename(greeter.Rename{From: "ada", To: "Ada"}, func(n int, err error) {
			if err != nil {
				t.Error(err)
			}
			renamed = n
		})
	}, 2*time.Minute)
	env.RegisterDelayedCallback(func() { _ = g.AddName("grace") }, 3*time.Minute)
	out, _, err := g.Execute(testsuite.StartOptions{}, greeter.GreetInput{Greeting: "Hi", Expect: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rejected == nil || !strings.Contains(rejected.Error(), greeter.ErrUnknownName.Error()) {
		t.Errorf("renaming an unknown name: %v, want a rejection", rejected)
	}
	if renamed != 1 || out != "HI, ADA! HI, GRACE!" {
		t.Errorf("renamed %d, result %q", renamed, out)
	}
}

func TestGreeterWithMocks(t *testing.T) {
	env, g := newEnv(t)
	// Typed mocks: a fn of another signature does not compile.
	compose := greeter.OnComposeActivity(env, func(_ context.Context, r greeter.ComposeReq) (string, error) {
		return r.Greeting + " " + r.Name, nil
	}).Times(1)
	shouter := greeter.OnShouterWorkflow(env, func(_ workflow.Context, text string) (string, error) {
		return "mocked: " + text, nil
	}).Times(1)
	env.RegisterDelayedCallback(func() { _ = g.AddName("ada") }, time.Second)
	out, res, err := g.Execute(testsuite.StartOptions{}, greeter.GreetInput{Greeting: "Hey", Expect: 1})
	if err != nil {
		t.Fatal(err)
	}
	if out != "mocked: Hey ada" || compose.Calls() != 1 || shouter.Calls() != 1 {
		t.Errorf("result %q after %d Compose and %d Shouter calls", out, compose.Calls(), shouter.Calls())
	}
	if len(res.History().GetEvents()) == 0 {
		t.Error("no history")
	}
}
