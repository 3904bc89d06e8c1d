package temporal

import commonpb "go.temporal.io/api/common/v1"

// Priority orders and shares out the tasks of a task queue: on workflow
// starts (client), activities and child workflows (workflow options).
// Children and activities without one inherit their workflow's.
type Priority struct {
	// PriorityKey ranks tasks: 1 is the highest; 0 means the default
	// (3 of 1..5 on a server with default settings). Tasks of a lower key
	// are dispatched first.
	PriorityKey int
	// FairnessKey groups tasks that share the queue's capacity evenly
	// (e.g. a tenant id), FairnessWeight their share; servers without
	// fairness enabled ignore both.
	FairnessKey    string
	FairnessWeight float32
}

// ToProto returns p as the API's Priority, nil for a nil or zero p.
func (p *Priority) ToProto() *commonpb.Priority {
	if p == nil || *p == (Priority{}) {
		return nil
	}
	return &commonpb.Priority{PriorityKey: int32(p.PriorityKey), FairnessKey: p.FairnessKey, FairnessWeight: p.FairnessWeight}
}

// PriorityFromProto is the inverse of ToProto (nil for nil).
func PriorityFromProto(p *commonpb.Priority) *Priority {
	if p == nil {
		return nil
	}
	return &Priority{PriorityKey: int(p.GetPriorityKey()), FairnessKey: p.GetFairnessKey(), FairnessWeight: p.GetFairnessWeight()}
}
