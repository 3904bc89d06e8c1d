package actworker

import (
	"context"
	"fmt"
	"log/slog"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Extract returns ctx with the values every propagator reads from the
// activity's header; one that fails is logged and skipped, and the
// activity runs without its values.
func Extract(ctx context.Context, props []temporal.ContextPropagator, h *commonpb.Header, log *slog.Logger) context.Context {
	for _, p := range props {
		next, err := p.Extract(ctx, h.GetFields())
		if err != nil {
			log.Warn("context propagator could not read the activity's header; running it without its values",
				"propagator", fmt.Sprintf("%T", p), "error", err)
			continue
		}
		if next != nil {
			ctx = next
		}
	}
	return ctx
}
