package worker

import (
	"container/list"
	"sync"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// cache keeps workflow runs between tasks, least recently used first out.
// A run being processed is taken out of the cache and put back after, so
// eviction never closes a run that is in use.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *engine.Run, front = most recent
	byID  map[string]*list.Element
}

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), byID: make(map[string]*list.Element)}
}

// take removes and returns the run with the given run id.
func (c *cache) take(runID string) *engine.Run {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[runID]
	if !ok {
		return nil
	}
	delete(c.byID, runID)
	return c.order.Remove(el).(*engine.Run)
}

// remove removes the run with the given run id if it is r, and reports
// whether it did.
func (c *cache) remove(runID string, r *engine.Run) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[runID]
	if !ok || el.Value.(*engine.Run) != r {
		return false
	}
	delete(c.byID, runID)
	c.order.Remove(el)
	return true
}

// put stores a run, closing the least recently used ones past the limit;
// it returns the cache's size and the number of runs evicted for room.
func (c *cache) put(runID string, r *engine.Run) (size, evicted int) {
	var closing []*engine.Run
	c.mu.Lock()
	if el, ok := c.byID[runID]; ok {
		c.order.Remove(el)
		closing = append(closing, el.Value.(*engine.Run))
	}
	c.byID[runID] = c.order.PushFront(r)
	for c.order.Len() > c.max {
		el := c.order.Back()
		old := c.order.Remove(el).(*engine.Run)
		delete(c.byID, old.Info().RunID)
		closing = append(closing, old)
		evicted++
	}
	size = c.order.Len()
	c.mu.Unlock()
	for _, r := range closing {
		r.Close()
	}
	return size, evicted
}

// len returns the number of cached runs.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// clear closes and removes every run, and returns how many there were.
func (c *cache) clear() int {
	c.mu.Lock()
	var runs []*engine.Run
	for el := c.order.Front(); el != nil; el = el.Next() {
		runs = append(runs, el.Value.(*engine.Run))
	}
	c.order.Init()
	clear(c.byID)
	c.mu.Unlock()
	for _, r := range runs {
		r.Close()
	}
	return len(runs)
}
