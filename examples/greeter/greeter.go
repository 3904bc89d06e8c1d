// Package greeter is temporalgen's example: the Greeter workflow of the
// design (signals, a query, an update with a validator), an activity
// struct, a child workflow and a local activity, all called through the
// typed API that temporalgen generates into greeter_temporal.go.
//
// # Generating
//
// The go:generate line below runs the generator from this module:
//
//	go generate ./examples/greeter
//
// In your own module, add the tool once and use go tool instead of go run:
//
//	go get -tool github.com/temporalgen/temporalgen/cmd/temporalgen
//
//	//go:generate go tool temporalgen -docs
//
// temporalgen -diff exits 1 when the generated file is stale (for CI);
// temporalgen -docs also writes greeter_temporal.md, a Markdown reference
// with temporal CLI commands.
//
// # Using the generated API
//
// A worker registers everything with one call; the activity struct is
// passed in, so its configuration is plain Go:
//
//	w := worker.New(c, greeter.GreeterTaskQueue, worker.Options{CacheSize: worker.DefaultCacheSize})
//	if err := greeter.Register(w, &greeter.Activities{Punctuation: "!"}); err != nil { ... }
//
// Clients start and talk to workflows with typed functions and handles:
//
//	h, err := greeter.StartGreeter(ctx, c, client.StartWorkflowOptions{ID: "greet-1"}, greeter.GreetInput{Greeting: "Hello", Expect: 2})
//	err = h.AddName(ctx, "ada")                                   // signal
//	names, err := h.Names(ctx)                                   // query
//	n, err := h.Rename(ctx, greeter.Rename{From: "ada", To: "Ada"}) // update
//	out, err := h.Result(ctx)
package greeter

//go:generate go run github.com/temporalgen/temporalgen/cmd/temporalgen -docs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// GreetInput is the input of Greeter.
type GreetInput struct {
	Greeting string // e.g. "Hello"
	Expect   int    // how many names to wait for
}

// Rename is the argument of the Rename update.
type Rename struct{ From, To string }

// ComposeReq is the argument of the Compose activity.
type ComposeReq struct{ Greeting, Name string }

// ErrUnknownName is returned by the Rename validator.
var ErrUnknownName = errors.New("no such name")

// Greeter collects names by signal, then greets each of them with an
// activity and has a Shouter child workflow shout the result.
//
//temporal:workflow task_queue=greetings
type Greeter struct {
	names []string
}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context, in GreetInput) (string, error) {
	if err := workflow.Await(ctx, func() bool { return len(g.names) >= in.Expect }); err != nil {
		return "", err
	}
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	var lines []string
	for _, name := range g.names {
		line, err := ComposeActivity(ctx, opts, ComposeReq{Greeting: in.Greeting, Name: name}).Get(ctx)
		if err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	child, err := StartShouterChild(ctx, workflow.ChildWorkflowOptions{}, strings.Join(lines, " "))
	if err != nil {
		return "", err
	}
	return child.Get(ctx)
}

//temporal:signal description="add a name to greet"
func (g *Greeter) AddName(ctx workflow.Context, name string) {
	g.names = append(g.names, name)
}

//temporal:query description="the names collected so far"
func (g *Greeter) Names() ([]string, error) {
	return g.names, nil
}

//temporal:update validator=CheckRename description="rename someone; returns how many names changed"
func (g *Greeter) Rename(ctx workflow.Context, r Rename) (int, error) {
	n := 0
	for i, name := range g.names {
		if name == r.From {
			g.names[i] = r.To
			n++
		}
	}
	return n, nil
}

// CheckRename rejects renames of unknown names and to empty names; a
// rejected update leaves no trace in the workflow's history.
func (g *Greeter) CheckRename(r Rename) error {
	if r.To == "" {
		return errors.New("the new name is empty")
	}
	if !slices.Contains(g.names, r.From) {
		return fmt.Errorf("%w: %q", ErrUnknownName, r.From)
	}
	return nil
}

// Shouter upper-cases text with a local activity.
//
//temporal:workflow
type Shouter struct{}

//temporal:run
func (s *Shouter) Run(ctx workflow.Context, text string) (string, error) {
	return ShoutLocalActivity(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 5 * time.Second}, text).Get(ctx)
}

// Activities holds the configuration of the activities: every exported
// method with a context.Context first parameter is one.
//
//temporal:activity
type Activities struct {
	Punctuation string // appended to every greeting
}

// Compose greets one name.
func (a *Activities) Compose(ctx context.Context, req ComposeReq) (string, error) {
	return req.Greeting + ", " + req.Name + a.Punctuation, nil
}

//temporal:activity
func Shout(ctx context.Context, text string) (string, error) {
	return strings.ToUpper(text), nil
}
