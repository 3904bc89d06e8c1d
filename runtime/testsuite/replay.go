package testsuite

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// checkReplays replays every run of the environment with fresh engines:
// its whole history, as a replayer does, and from each workflow task
// boundary, as a worker without a cache does. The first difference is
// returned, a *temporal.NondeterminismError where the engine found one.
func (e *Env) checkReplays() error {
	var errs []error
	for _, x := range e.executions {
		if err := x.checkReplay(); err != nil {
			errs = append(errs, fmt.Errorf("testsuite: replaying workflow %s (%s, run %s): %w", x.id, x.wfType, x.runID, err))
		}
	}
	return errors.Join(errs...)
}

func (x *execution) checkReplay() error {
	if x.err != nil {
		return nil // the run already ended with its task's error
	}
	whole := x.env.engineRun(x.id, x.runID, x.lookup)
	_, err := whole.Step(engine.Input{Task: &engine.Task{Events: x.events, StartedEventID: math.MaxInt64, Whole: true}})
	whole.Close()
	if err != nil {
		return err
	}
	for _, rec := range x.tasks {
		if err := x.replayTask(rec); err != nil {
			return fmt.Errorf("from the workflow task started at event %d: %w", rec.started, err)
		}
	}
	return nil
}

// replayTask replays the history up to a workflow task with a fresh run,
// gives it what the task was given, and compares the commands.
func (x *execution) replayTask(rec taskRecord) error {
	r := x.env.engineRun(x.id, x.runID, x.lookup)
	defer r.Close()
	out, err := r.Step(engine.Input{Task: &engine.Task{Events: x.events[:rec.started], StartedEventID: rec.started, Messages: rec.messages}})
	for _, results := range rec.locals {
		if err != nil || !out.WaitLocal {
			break
		}
		out, err = r.Step(engine.Input{LocalResults: results})
	}
	if err != nil {
		return err
	}
	if len(out.Commands) != len(rec.commands) {
		return fmt.Errorf("the replay issued %d commands, the run %d:\nreplay: %v\nrun:    %v", len(out.Commands), len(rec.commands), out.Commands, rec.commands)
	}
	for i := range out.Commands {
		if !proto.Equal(out.Commands[i], rec.commands[i]) {
			return fmt.Errorf("command %d differs:\nreplay: %v\nrun:    %v", i, out.Commands[i], rec.commands[i])
		}
	}
	return nil
}

// replayCheck runs checkReplays unless Options.SkipReplayCheck.
func (e *Env) replayCheck() error {
	if e.opts.SkipReplayCheck {
		return nil
	}
	return e.checkReplays()
}
