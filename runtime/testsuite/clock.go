package testsuite

import (
	"container/heap"
	"time"
)

// clock is the environment's virtual clock: a time and the actions due at
// later times, in order of time and then of scheduling.
type clock struct {
	now   time.Time
	seq   int64
	items itemHeap
}

// item is an action scheduled on the clock.
type item struct {
	at       time.Time
	seq      int64
	fn       func()
	index    int
	canceled bool
}

// after schedules fn d from now (d <= 0: now, after what is already due).
func (c *clock) after(d time.Duration, fn func()) *item {
	if d < 0 {
		d = 0
	}
	c.seq++
	it := &item{at: c.now.Add(d), seq: c.seq, fn: fn}
	heap.Push(&c.items, it)
	return it
}

// cancel unschedules it; a nil or fired item is ignored.
func (c *clock) cancel(it *item) {
	if it == nil || it.canceled || it.index < 0 {
		return
	}
	it.canceled = true
	heap.Remove(&c.items, it.index)
}

// due pops the next item due now, if any.
func (c *clock) due() *item {
	if len(c.items) == 0 || c.items[0].at.After(c.now) {
		return nil
	}
	return heap.Pop(&c.items).(*item)
}

// next returns the time of the next item, false when none is scheduled.
func (c *clock) next() (time.Time, bool) {
	if len(c.items) == 0 {
		return time.Time{}, false
	}
	return c.items[0].at, true
}

type itemHeap []*item

func (h itemHeap) Len() int { return len(h) }
func (h itemHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h itemHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *itemHeap) Push(x any) {
	it := x.(*item)
	it.index = len(*h)
	*h = append(*h, it)
}
func (h *itemHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	it.index = -1
	*h = old[:len(old)-1]
	return it
}
