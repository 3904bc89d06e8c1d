package lazylog

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
)

// textLogger returns a text logger without timestamps writing to buf.
func textLogger(buf *bytes.Buffer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func TestWithLogsLikeSlogWith(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"plain", func(l *slog.Logger) { l.Info("msg", "b", 2) }},
		{"debug dropped", func(l *slog.Logger) { l.Debug("msg", "b", 2); l.Warn("kept") }},
		{"with attrs", func(l *slog.Logger) { l.With("c", 3).Info("msg", "b", 2) }},
		{"with group", func(l *slog.Logger) { l.WithGroup("g").Info("msg", "b", 2) }},
		{"attr values", func(l *slog.Logger) { l.Info("msg", slog.Int("n", 4), slog.Group("grp", "x", 1)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want, got bytes.Buffer
			args := []any{"a", 1, "s", "two words", slog.Bool("ok", true)}
			tc.log(textLogger(&want, slog.LevelInfo).With(args...))
			tc.log(With(textLogger(&got, slog.LevelInfo), args...))
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
			if want.Len() == 0 {
				t.Fatal("nothing logged: the case tests nothing")
			}
		})
	}
}

// countingHandler counts the records it handles and WithAttrs calls.
type countingHandler struct {
	slog.Handler
	handled, withAttrs *int
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	*h.handled++
	return h.Handler.Handle(ctx, r)
}

func (h countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	*h.withAttrs++
	return countingHandler{h.Handler.WithAttrs(as), h.handled, h.withAttrs}
}

func TestWithFormatsNothingBelowLevel(t *testing.T) {
	var buf bytes.Buffer
	var handled, withAttrs int
	base := slog.New(countingHandler{textLogger(&buf, slog.LevelInfo).Handler(), &handled, &withAttrs})
	l := With(base, "a", 1)
	l.Debug("dropped", "b", 2)
	if handled != 0 || withAttrs != 0 || buf.Len() != 0 {
		t.Fatalf("debug record below level: handled %d, WithAttrs %d, output %q", handled, withAttrs, buf.String())
	}
	l.Info("kept")
	if handled != 1 || withAttrs != 0 {
		t.Fatalf("info record: handled %d, WithAttrs %d", handled, withAttrs)
	}
}

func BenchmarkWithDebugDropped(b *testing.B) {
	var buf bytes.Buffer
	base := textLogger(&buf, slog.LevelInfo)
	b.Run("lazylog", func(b *testing.B) {
		for b.Loop() {
			With(base, "activity_id", "1", "activity_type", "Noop", "attempt", 1).Debug("started")
		}
	})
	b.Run("slog", func(b *testing.B) {
		for b.Loop() {
			base.With("activity_id", "1", "activity_type", "Noop", "attempt", 1).Debug("started")
		}
	})
}
