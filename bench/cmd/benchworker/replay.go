package main

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"

	historypb "go.temporal.io/api/history/v1"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	ourworker "github.com/temporalgen/temporalgen/runtime/worker"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// replay replays the history in path with impl's own replayer: one
// warm-up, then reps timed repetitions. Each repetition gets its own copy
// of the history, made outside the timed section and followed by a
// collection, so that collecting the copies' garbage does not land in
// the timed section of the next repetition.
func replay(impl, path string, reps int) shape.Replay {
	data, err := os.ReadFile(path)
	if err != nil {
		return shape.Replay{Error: err.Error()}
	}
	var h historypb.History
	if err := proto.Unmarshal(data, &h); err != nil {
		return shape.Replay{Error: err.Error()}
	}
	res := shape.Replay{Events: len(h.Events)}

	var run func(*historypb.History) error
	switch impl {
	case shape.Ours:
		r := ourworker.NewReplayer(ourworker.ReplayerOptions{})
		for name, fn := range oursWorkflows {
			if err := r.RegisterWorkflowFunc(name, fn); err != nil {
				return shape.Replay{Error: err.Error()}
			}
		}
		run = func(h *historypb.History) error { return r.ReplayHistory("bench", "run", h) }
	case shape.SDK:
		r := sdkworker.NewWorkflowReplayer()
		for name, fn := range sdkWorkflows {
			r.RegisterWorkflowWithOptions(fn, workflow.RegisterOptions{Name: name})
		}
		logger := sdkLogger(slog.LevelError + 1)
		run = func(h *historypb.History) error { return r.ReplayWorkflowHistory(logger, h) }
	default:
		return shape.Replay{Error: fmt.Sprintf("no replayer for %q", impl)}
	}

	for i := range reps + 1 {
		c := proto.Clone(&h).(*historypb.History)
		runtime.GC()
		t0 := time.Now()
		err := run(c)
		d := time.Since(t0)
		if err != nil {
			res.Error = err.Error()
			return res
		}
		if i > 0 {
			res.Seconds = append(res.Seconds, d.Seconds())
		}
	}
	return res
}
