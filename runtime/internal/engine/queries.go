package engine

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	sdkpb "go.temporal.io/api/sdk/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

const (
	stackTraceQuery = "__stack_trace"
	metadataQuery   = "__temporal_workflow_metadata"
)

// query answers a query against the run's current state. Handlers run
// read-only: any call that would issue a command returns (or panics with)
// a *temporal.ReadOnlyContextError, and panics become query failures.
func (r *Run) query(name string, args *commonpb.Payloads, header *commonpb.Header) (*commonpb.Payloads, error) {
	switch name {
	case stackTraceQuery:
		return r.cfg.DataConverter.ToPayloads(r.sched.Stacks())
	case metadataQuery:
		return converter.Default().ToPayloads(r.metadata())
	}
	if r.root == nil {
		return nil, fmt.Errorf("query %q: the workflow has not started", name)
	}
	h := r.h.queries[name]
	if h == nil {
		h = r.h.dynQuery
	}
	if h == nil {
		return nil, fmt.Errorf("unknown query %q; known queries: [%s]", name, strings.Join(r.knownQueries(), ", "))
	}
	var res any
	err := r.readOnlyCall(func() error {
		var err error
		res, err = r.callQuery(h, r.root, name, converter.NewValues(args, r.cfg.DataConverter), header)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r.cfg.DataConverter.ToPayloads(res)
}

// readOnlyCall runs fn with the run read-only, turning panics into errors.
func (r *Run) readOnlyCall(fn func() error) (err error) {
	r.readOnly = true
	defer func() {
		r.readOnly = false
		if p := recover(); p != nil {
			if e, ok := p.(error); ok {
				err = e
				return
			}
			// The stack goes in the failure's stack trace, not its message.
			err = temporal.NewPanicError(fmt.Sprintf("panic: %v", p), string(debug.Stack()))
		}
	}()
	return fn()
}

// ReadOnly reports whether a query or validator is running.
func (r *Run) ReadOnly() bool { return r.readOnly }

// CurrentDetails returns the details set with SetCurrentDetails.
func (r *Run) CurrentDetails() string { return r.h.currentDetail }

// SetCurrentDetails sets the text shown as the workflow's current details.
func (r *Run) SetCurrentDetails(s string) { r.h.currentDetail = s }

// metadata builds the answer of the __temporal_workflow_metadata query.
func (r *Run) metadata() *sdkpb.WorkflowMetadata {
	def := &sdkpb.WorkflowDefinition{Type: r.info.WorkflowType}
	def.QueryDefinitions = append(def.QueryDefinitions,
		&sdkpb.WorkflowInteractionDefinition{Name: stackTraceQuery, Description: "Current stack trace"},
		&sdkpb.WorkflowInteractionDefinition{Name: metadataQuery, Description: "Metadata about the workflow"})
	for n, h := range r.h.queries {
		def.QueryDefinitions = append(def.QueryDefinitions, &sdkpb.WorkflowInteractionDefinition{Name: n, Description: h.Description})
	}
	if h := r.h.dynQuery; h != nil {
		def.QueryDefinitions = append(def.QueryDefinitions, &sdkpb.WorkflowInteractionDefinition{Description: h.Description})
	}
	for n, h := range r.h.signals {
		def.SignalDefinitions = append(def.SignalDefinitions, &sdkpb.WorkflowInteractionDefinition{Name: n, Description: h.Description})
	}
	if h := r.h.dynSignal; h != nil {
		def.SignalDefinitions = append(def.SignalDefinitions, &sdkpb.WorkflowInteractionDefinition{Description: h.Description})
	}
	for n, h := range r.h.updates {
		def.UpdateDefinitions = append(def.UpdateDefinitions, &sdkpb.WorkflowInteractionDefinition{Name: n, Description: h.Description})
	}
	if h := r.h.dynUpdate; h != nil {
		def.UpdateDefinitions = append(def.UpdateDefinitions, &sdkpb.WorkflowInteractionDefinition{Description: h.Description})
	}
	for _, ds := range [][]*sdkpb.WorkflowInteractionDefinition{def.QueryDefinitions, def.SignalDefinitions, def.UpdateDefinitions} {
		sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	}
	return &sdkpb.WorkflowMetadata{Definition: def, CurrentDetails: r.h.currentDetail}
}
