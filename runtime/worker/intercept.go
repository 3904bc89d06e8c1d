package worker

import (
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// workflowPropagators returns the propagators of props that also work on
// workflow contexts.
func workflowPropagators(props []temporal.ContextPropagator) []workflow.ContextPropagator {
	var out []workflow.ContextPropagator
	for _, p := range props {
		if wp, ok := p.(workflow.ContextPropagator); ok {
			out = append(out, wp)
		}
	}
	return out
}

// attachOf returns the engine hook of ic, nil without one (runs then
// take the direct path, with nothing to call).
func attachOf(ic *workflow.Interceptors) func(*engine.Run) {
	if ic == nil {
		return nil
	}
	return ic.Attach
}
