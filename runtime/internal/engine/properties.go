package engine

import (
	"errors"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// ContinueAsNewer is implemented by the error a workflow returns to
// continue as a new run.
type ContinueAsNewer interface {
	error
	// ContinueAsNewAttributes returns the command's attributes; unset
	// fields are filled from the current run.
	ContinueAsNewAttributes() *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes
}

// continueAsNew issues the ContinueAsNewWorkflowExecution command for err,
// carrying over what err leaves unset.
func (r *Run) continueAsNew(can ContinueAsNewer) {
	a := can.ContinueAsNewAttributes()
	if a.WorkflowType.GetName() == "" {
		a.WorkflowType = &commonpb.WorkflowType{Name: r.info.WorkflowType}
	}
	if a.TaskQueue.GetName() == "" {
		a.TaskQueue = &taskqueuepb.TaskQueue{Name: r.info.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
	}
	if a.WorkflowRunTimeout == nil && r.info.RunTimeout > 0 {
		a.WorkflowRunTimeout = durationpb.New(r.info.RunTimeout)
	}
	if a.WorkflowTaskTimeout == nil && r.info.TaskTimeout > 0 {
		a.WorkflowTaskTimeout = durationpb.New(r.info.TaskTimeout)
	}
	if a.Memo == nil {
		a.Memo = r.info.Memo
	}
	if a.SearchAttributes == nil {
		a.SearchAttributes = r.info.SearchAttributes
	}
	if a.RetryPolicy == nil {
		a.RetryPolicy = r.info.RetryPolicy
	}
	r.ms.ContinueAsNew(a)
}

func asContinueAsNew(err error) (ContinueAsNewer, bool) {
	var can ContinueAsNewer
	ok := errors.As(err, &can)
	return can, ok
}

// UpsertMemo adds, changes or (with a nil payload or one without data)
// removes memo fields.
func (c *Context) UpsertMemo(fields map[string]*commonpb.Payload) error {
	r := c.run
	if err := r.checkWritable("UpsertMemo"); err != nil {
		return err
	}
	r.ms.ModifyProperties(&commonpb.Memo{Fields: fields})
	r.info.Memo = merge(r.info.Memo.GetFields(), fields, func(m map[string]*commonpb.Payload) *commonpb.Memo {
		return &commonpb.Memo{Fields: m}
	})
	return nil
}

// UpsertSearchAttributes adds, changes or (with a payload without data)
// removes search attributes.
func (c *Context) UpsertSearchAttributes(fields map[string]*commonpb.Payload) error {
	r := c.run
	if err := r.checkWritable("UpsertSearchAttributes"); err != nil {
		return err
	}
	r.ms.UpsertSearchAttributes(&commonpb.SearchAttributes{IndexedFields: fields})
	r.info.SearchAttributes = merge(r.info.SearchAttributes.GetIndexedFields(), fields, func(m map[string]*commonpb.Payload) *commonpb.SearchAttributes {
		return &commonpb.SearchAttributes{IndexedFields: m}
	})
	return nil
}

// merge returns a copy of old with upd applied; empty payloads remove.
func merge[T any](old, upd map[string]*commonpb.Payload, wrap func(map[string]*commonpb.Payload) T) T {
	m := make(map[string]*commonpb.Payload, len(old)+len(upd))
	for k, v := range old {
		m[k] = v
	}
	for k, v := range upd {
		if v == nil || len(v.Data) == 0 {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return wrap(m)
}
