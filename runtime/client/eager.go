package client

import (
	"sync"

	"go.temporal.io/api/workflowservice/v1"
)

// EagerWorker is a workflow worker in this process that can run the first
// workflow task of a workflow this client starts on its task queue, taken
// from the start response instead of a poll (eager workflow start). Package
// worker registers its workers with RegisterEagerWorker; applications have
// no need to implement it.
type EagerWorker interface {
	// TryReserveEagerSlot takes a free workflow task slot if there is one
	// at once, and reports whether it did; it never waits.
	TryReserveEagerSlot() bool
	// ReleaseEagerSlot gives back a slot that no task came for.
	ReleaseEagerSlot()
	// RunEagerTask handles task, the first workflow task of a workflow
	// just started, in the slot reserved for it, as it would handle a
	// polled task, and frees the slot when done. It must not block.
	RunEagerTask(task *workflowservice.PollWorkflowTaskQueueResponse)
}

// RegisterEagerWorker makes w a candidate for the first workflow task of
// the workflows the client starts on taskQueue, and returns the function
// that withdraws it. A worker made with the client registers itself when
// it starts and withdraws when it stops (see worker.Options.
// DisableEagerWorkflowStart). w must be comparable (a pointer, say): it
// is found again with ==. Workers of a queue are asked for a slot in the
// order they registered.
func (c *Client) RegisterEagerWorker(taskQueue string, w EagerWorker) (unregister func()) {
	c.eager.add(taskQueue, w)
	var once sync.Once
	return func() { once.Do(func() { c.eager.remove(taskQueue, w) }) }
}

// eagerWorkers are a client's EagerWorkers by task queue. The zero value
// is empty and ready.
type eagerWorkers struct {
	mu      sync.RWMutex
	byQueue map[string][]EagerWorker
}

func (e *eagerWorkers) add(taskQueue string, w EagerWorker) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byQueue == nil {
		e.byQueue = make(map[string][]EagerWorker)
	}
	e.byQueue[taskQueue] = append(e.byQueue[taskQueue], w)
}

func (e *eagerWorkers) remove(taskQueue string, w EagerWorker) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ws := e.byQueue[taskQueue]
	for i, x := range ws {
		if x == w {
			// A fresh slice: reserve may be ranging over the old one.
			ws = append(ws[:i:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(e.byQueue, taskQueue)
	} else {
		e.byQueue[taskQueue] = ws
	}
}

// reserve returns the first worker of taskQueue that reserved a slot, or
// nil.
func (e *eagerWorkers) reserve(taskQueue string) EagerWorker {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, w := range e.byQueue[taskQueue] {
		if w.TryReserveEagerSlot() {
			return w
		}
	}
	return nil
}

// eagerStart decides whether a start with opts may ask for eager
// execution and, if a worker of the client reserved a slot for it,
// returns that worker. The server refuses eager execution when the first
// workflow task is delayed (cron schedule, start delay), so those do not
// ask.
func (c *Client) eagerStart(opts *StartWorkflowOptions) EagerWorker {
	if opts.DisableEagerExecution || opts.CronSchedule != "" || opts.StartDelay > 0 ||
		!c.sysInfo.GetCapabilities().GetEagerWorkflowStart() {
		return nil
	}
	return c.eager.reserve(opts.TaskQueue)
}

// finishEagerStart hands the start response's eager workflow task to w,
// which reserved a slot for it, or gives the slot back when there is no
// task (the server declined, or the start failed).
func finishEagerStart(w EagerWorker, resp *workflowservice.StartWorkflowExecutionResponse, err error) {
	if t := resp.GetEagerWorkflowTask(); err == nil && len(t.GetTaskToken()) > 0 {
		w.RunEagerTask(t)
		return
	}
	w.ReleaseEagerSlot()
}
