package worker

import (
	commandpb "go.temporal.io/api/command/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// Eager execution skips the round trip through the server's task queue
// when the worker that will run a task is known in advance:
//
//   - eager workflow start: the client that starts a workflow on this
//     worker's task queue asks the server for the first workflow task in
//     the start response and hands it to this worker (eagerStarter, which
//     the worker registers with its client in Start);
//   - eager activities: a workflow task completion that schedules
//     activities on this worker's task queue asks the server to start them
//     at once and return their tasks in the completion's response, which
//     the worker's activity poller then runs (reserveEagerActivities,
//     runEagerActivities).
//
// Either way a slot is reserved without waiting before the request goes
// out, and given back when the response brings no task.

// maxEagerActivitiesPerTask caps the activities one workflow task
// completion asks to run eagerly, as sdk-go does: the others wait in the
// task queue for any worker.
const maxEagerActivitiesPerTask = 3

// eagerStarter is the worker as its client's client.EagerWorker.
type eagerStarter struct{ w *Worker }

// TryReserveEagerSlot takes a free workflow task slot at once, unless the
// worker is stopping or holds too many stuck runs (when its pollers wait
// too).
func (e *eagerStarter) TryReserveEagerSlot() bool {
	w := e.w
	if full, _ := w.stuck.full(); full {
		return false
	}
	w.eagerMu.Lock()
	defer w.eagerMu.Unlock()
	if w.eagerClosed {
		return false
	}
	select {
	case w.slots <- struct{}{}:
	default:
		return false
	}
	w.tasks.Add(1) // Stop waits for the task, as for a polled one
	w.reportSlots()
	return true
}

// ReleaseEagerSlot gives back a slot no task came for.
func (e *eagerStarter) ReleaseEagerSlot() {
	<-e.w.slots
	e.w.reportSlots()
	e.w.tasks.Done()
}

// RunEagerTask handles task on a goroutine of the worker's pool, exactly
// as a polled task; handleTask frees the slot.
func (e *eagerStarter) RunEagerTask(task *workflowservice.PollWorkflowTaskQueueResponse) {
	w := e.w
	w.pool.Go(func() {
		w.handleTask(task)
		w.tasks.Done()
	})
}

// reserveEagerActivities marks the ScheduleActivityTask commands in cmds
// that this worker's activity poller will run eagerly, up to
// maxEagerActivitiesPerTask, reserving a slot for each, and returns how
// many it reserved; it clears the request on every other command. Only
// activities on the worker's own task queue whose type is registered
// qualify.
func (w *Worker) reserveEagerActivities(cmds []*commandpb.Command) int {
	p := w.eagerActs
	if p == nil {
		return 0
	}
	n := 0
	for _, c := range cmds {
		a := c.GetScheduleActivityTaskCommandAttributes()
		if a == nil {
			continue
		}
		a.RequestEagerExecution = false
		if n == maxEagerActivitiesPerTask || a.GetTaskQueue().GetName() != w.taskQueue {
			continue
		}
		if _, ok := w.activities.Lookup(a.GetActivityType().GetName()); !ok || !p.TryReserve() {
			continue
		}
		a.RequestEagerExecution = true
		n++
	}
	return n
}

// runEagerActivities runs the activity tasks of a completion's response
// in the reserved slots, and gives back the slots no task came for
// (reserved of them were taken; after a failed completion tasks is nil).
func (w *Worker) runEagerActivities(tasks []*workflowservice.PollActivityTaskQueueResponse, reserved int) {
	p := w.eagerActs
	if p == nil { // nothing was asked for
		w.log.Error("eager activity tasks dropped: the server returned activity tasks that were not requested", "count", len(tasks))
		return
	}
	for i, t := range tasks {
		if i >= reserved && !p.TryReserve() {
			// The server started more than was asked for and no slot is
			// free: the activity times out and is retried.
			w.log.Error("eager activity task dropped: the server returned more activity tasks than requested",
				"activity_id", t.GetActivityId(), "workflow_id", t.GetWorkflowExecution().GetWorkflowId())
			continue
		}
		p.RunEager(t)
	}
	for range reserved - len(tasks) {
		p.Release()
	}
}
