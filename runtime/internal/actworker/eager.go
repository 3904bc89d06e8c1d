package actworker

import "go.temporal.io/api/workflowservice/v1"

// Eager execution: a workflow worker that schedules an activity on this
// poller's task queue may ask the server to start the activity at once and
// return its task in the workflow task completion's response, instead of
// queueing it for a poll. The workflow worker takes a slot for each such
// activity before it completes the task (TryReserve), and afterwards hands
// each returned task to RunEager, or gives back the slots that no task
// came for (Release). An eager task runs exactly as a polled one: same
// slot accounting, metrics, interceptors, heartbeats and reports.

// TryReserve takes an execution slot for an activity task to be delivered
// eagerly, if one is free at once; it never waits. It reports false once
// Stop has begun. A reserved slot counts as a running activity, so Stop
// waits for it; the caller must pass it on with RunEager or Release.
func (p *Poller) TryReserve() bool {
	p.eagerMu.Lock()
	defer p.eagerMu.Unlock()
	if p.stopping {
		return false
	}
	select {
	case p.slots <- struct{}{}:
	default:
		return false
	}
	p.actWG.Add(1)
	p.reportSlots()
	return true
}

// Release gives back a slot TryReserve took that no task came for.
func (p *Poller) Release() {
	<-p.slots
	p.reportSlots()
	p.actWG.Done()
}

// RunEager runs task, an activity task the server delivered eagerly, in a
// slot TryReserve took, on a goroutine of its own, and frees the slot when
// the activity is done and reported. It does not block.
func (p *Poller) RunEager(task *workflowservice.PollActivityTaskQueueResponse) {
	p.pool.Go(func() {
		p.execute(task)
		p.Release()
	})
}
