package engine

import (
	"context"
	"log/slog"
)

// replayHandler drops log records while the run replays history, so each
// line is logged once per execution, not once per replay.
type replayHandler struct {
	run  *Run
	next slog.Handler
}

func (h *replayHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return !h.run.replaying && h.next.Enabled(ctx, l)
}

func (h *replayHandler) Handle(ctx context.Context, rec slog.Record) error {
	if h.run.replaying {
		return nil
	}
	return h.next.Handle(ctx, rec)
}

func (h *replayHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &replayHandler{run: h.run, next: h.next.WithAttrs(as)}
}

func (h *replayHandler) WithGroup(name string) slog.Handler {
	return &replayHandler{run: h.run, next: h.next.WithGroup(name)}
}
