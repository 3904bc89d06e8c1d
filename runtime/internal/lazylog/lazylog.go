// Package lazylog gives a logger attributes that cost nothing until
// something is logged.
//
// slog.Logger.With formats its attributes at once (a TextHandler or
// JSONHandler pre-renders them), which a worker would pay on every
// activity task for a logger that usually logs nothing above debug level.
// With keeps the key-value pairs as they are and adds them to each record
// that passes the handler's level check:
//
//	log := lazylog.With(base, "activity_id", id, "attempt", attempt)
//	log.Debug("started") // nothing is formatted at info level
//
// The output is the same as base.With's.
package lazylog

import (
	"context"
	"log/slog"
	"time"
)

// With returns a logger that logs like l.With(args...).
func With(l *slog.Logger, args ...any) *slog.Logger {
	if len(args) == 0 {
		return l
	}
	return slog.New(&handler{next: l.Handler(), args: args})
}

// handler adds args to every record it handles.
type handler struct {
	next slog.Handler
	args []any
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.Add(h.args...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.eager().WithAttrs(attrs)
}

func (h *handler) WithGroup(name string) slog.Handler {
	return h.eager().WithGroup(name)
}

// eager returns the handler l.With(args...) would have made.
func (h *handler) eager() slog.Handler {
	r := slog.NewRecord(time.Time{}, 0, "", 0)
	r.Add(h.args...)
	attrs := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, a)
		return true
	})
	return h.next.WithAttrs(attrs)
}
