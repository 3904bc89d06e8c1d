package engine_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/enginetest"
)

// TestScripts runs the scripts in testdata/ (their format is documented
// on enginetest.RunScripts) against the workflows of library. Regenerate
// their expected output with
//
//	go test ./runtime/internal/engine/ -run TestScripts -rewrite
func TestScripts(t *testing.T) {
	enginetest.RunScripts(t, "testdata", library())
}

// def adapts a workflow written against decoded values.
func def(fn func(ctx *engine.Context, in converter.Values) (any, error)) *engine.Definition {
	return &engine.Definition{Fn: func(ctx *engine.Context, input *commonpb.Payloads) (*commonpb.Payloads, error) {
		res, err := fn(ctx, converter.NewValues(input, converter.Default()))
		if err != nil || res == nil {
			return nil, err
		}
		if p, ok := res.(*commonpb.Payloads); ok {
			return p, nil
		}
		return converter.Default().ToPayloads(res)
	}}
}

// failing is def for a workflow whose panics and nondeterminism fail the
// workflow instead of its task.
func failing(fn func(ctx *engine.Context, in converter.Values) (any, error)) *engine.Definition {
	d := def(fn)
	d.FailWorkflow = func(any) bool { return true }
	return d
}

func enc(vals ...any) *commonpb.Payloads {
	p, err := converter.Default().ToPayloads(vals...)
	if err != nil {
		panic(err) // test bug
	}
	return p
}

func encOne(v any) *commonpb.Payload { return enc(v).Payloads[0] }

// arg decodes argument i, or returns the zero value.
func arg[T any](in converter.Values, i int) T {
	var v T
	if i < in.Len() {
		_ = in.Get(i, &v)
	}
	return v
}

// str decodes a result, or describes the error.
func str(p *commonpb.Payloads, err error) string {
	if err != nil {
		return errString(err)
	}
	if p == nil {
		return "ok"
	}
	var s string
	if err := converter.NewValues(p, converter.Default()).Get(0, &s); err != nil {
		return fmt.Sprintf("undecodable: %v", err)
	}
	return s
}

// errString describes an error by its type and its innermost message.
func errString(err error) string {
	if err == nil {
		return "ok"
	}
	inner := err
	for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
		inner = u
	}
	return fmt.Sprintf("%T: %v", err, inner)
}

func wait(ctx *engine.Context, f *engine.Future) string {
	p, _, err := f.Wait(ctx)
	return str(p, err)
}

func minute() engine.ActivityOptions { return engine.ActivityOptions{StartToCloseTimeout: time.Minute} }

func duration(in converter.Values, i int, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(arg[string](in, i)); err == nil {
		return d
	}
	return def
}

// flag sets a signal handler that raises a flag.
func flag(ctx *engine.Context, name string) *bool {
	v := new(bool)
	_ = ctx.SetSignalHandler(name, &engine.SignalHandler{Fn: func(*engine.Context, string, converter.Values) error {
		*v = true
		return nil
	}})
	return v
}

// library is the workflows the scripts start, by workflow type.
func library() map[string]*engine.Definition {
	lib := map[string]*engine.Definition{
		"Greet":      def(greet),
		"GreetTimer": def(greetTimer),
		"Sleep":      def(sleep),
		"Timers":     def(timers),
		"AwaitSignal": def(func(ctx *engine.Context, in converter.Values) (any, error) {
			got := flag(ctx, "go")
			ok, err := ctx.AwaitWithTimeout(duration(in, 0, time.Hour), func() bool { return *got })
			if err != nil {
				return nil, err
			}
			return map[string]bool{"signaled": ok}, nil
		}),
		"Panic": def(func(*engine.Context, converter.Values) (any, error) { panic("boom") }),
		"PanicFails": failing(func(ctx *engine.Context, _ converter.Values) (any, error) {
			ctx.NewTimer(time.Minute).Wait(ctx)
			panic(fmt.Errorf("boom after a minute"))
		}),
		"Fail": def(func(*engine.Context, converter.Values) (any, error) {
			return nil, fmt.Errorf("plain error")
		}),
	}
	for name, d := range moreWorkflows() {
		lib[name] = d
	}
	return lib
}

// greet runs activity Compose on its input and returns the result.
func greet(ctx *engine.Context, in converter.Values) (any, error) {
	p, _, err := ctx.ExecuteActivity(minute(), "Compose", in.Payloads()).Wait(ctx)
	return p, err
}

// greetTimer is a changed greet: a timer where greet has an activity.
func greetTimer(ctx *engine.Context, in converter.Values) (any, error) {
	_, _, err := ctx.NewTimer(time.Minute).Wait(ctx)
	return "timer", err
}

// sleep sleeps for its input duration (default 1m).
func sleep(ctx *engine.Context, in converter.Values) (any, error) {
	if _, _, err := ctx.NewTimer(duration(in, 0, time.Minute)).Wait(ctx); err != nil {
		return nil, err
	}
	return "woke at " + ctx.Run().Now().Format(time.RFC3339), nil
}

// timers exercises the timer corner cases: zero and negative durations,
// a timer cancelled by its scope, a timer started in a cancelled scope.
func timers(ctx *engine.Context, _ converter.Values) (any, error) {
	var out []string
	_, _, err := ctx.NewTimer(0).Wait(ctx)
	out = append(out, "zero: "+errString(err))
	_, _, err = ctx.NewTimer(-time.Second).Wait(ctx)
	out = append(out, "negative: "+errString(err))
	cctx, cancel := ctx.WithCancel()
	long := cctx.NewTimer(time.Hour)
	ctx.NewTimer(time.Second).Wait(ctx)
	cancel()
	_, _, err = long.Wait(ctx)
	out = append(out, "canceled: "+errString(err))
	_, _, err = cctx.NewTimer(time.Hour).Wait(ctx)
	out = append(out, "in canceled scope: "+errString(err))
	return out, nil
}
