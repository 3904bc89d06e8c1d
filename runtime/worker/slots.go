package worker

import (
	"context"
	"sync"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
)

// SlotSupplier hands out the slots that bound how many tasks of one kind
// (workflow tasks, activities, local activities, Nexus tasks) a worker
// runs at once; a poller takes a slot before it polls, so the worker
// never accepts a task it has no room for. FixedSlots and
// ResourceBasedSlots are the two kinds; Options.Tuner assigns one to
// each kind of task. Implementations must be safe for concurrent use.
type SlotSupplier interface {
	// Reserve waits for a free slot and takes it; it returns ctx's error
	// if ctx ends first.
	Reserve(ctx context.Context) error
	// TryReserve takes a free slot if there is one at once (for eager
	// tasks, which must not wait).
	TryReserve() bool
	// Release returns a slot taken by Reserve or TryReserve.
	Release()
	// Usage reports the slots in use and those that could be taken now
	// (for the worker_task_slots_* metrics).
	Usage() (used, available int)
}

// Tuner assigns a SlotSupplier to each kind of task; nil fields take
// FixedSlots of the matching Options.MaxConcurrent* value.
type Tuner struct {
	WorkflowTasks   SlotSupplier
	Activities      SlotSupplier
	LocalActivities SlotSupplier
	NexusTasks      SlotSupplier
}

// FixedSlots returns a supplier of n slots (at least 1).
func FixedSlots(n int) SlotSupplier { return actworker.FixedSlots(n) }

// ResourceSampler reads the machine's load as fractions in [0, 1].
// DefaultResourceSampler reads Linux's /proc; tests and other platforms
// supply their own.
type ResourceSampler interface {
	CPU() float64
	Memory() float64
}

// ResourceBasedOptions configure ResourceBasedSlots.
type ResourceBasedOptions struct {
	// TargetCPU and TargetMemory are the loads (0..1) past which no slot
	// beyond MinSlots is handed out (defaults 0.8 and 0.8).
	TargetCPU, TargetMemory float64
	// MinSlots are always available (default 1); MaxSlots is the most
	// ever handed out (default 500).
	MinSlots, MaxSlots int
	// RampThrottle is the least time between two slots handed out beyond
	// MinSlots, so that the load of the last task shows before the next
	// one is admitted (default 50ms).
	RampThrottle time.Duration
	// Sampler reads the load (default DefaultResourceSampler()).
	Sampler ResourceSampler
	// Now is the clock (default time.Now); for tests.
	Now func() time.Time
}

func (o ResourceBasedOptions) withDefaults() ResourceBasedOptions {
	if o.TargetCPU <= 0 {
		o.TargetCPU = 0.8
	}
	if o.TargetMemory <= 0 {
		o.TargetMemory = 0.8
	}
	if o.MinSlots <= 0 {
		o.MinSlots = 1
	}
	if o.MaxSlots <= 0 {
		o.MaxSlots = 500
	}
	o.MaxSlots = max(o.MaxSlots, o.MinSlots)
	if o.RampThrottle <= 0 {
		o.RampThrottle = 50 * time.Millisecond
	}
	if o.Sampler == nil {
		o.Sampler = DefaultResourceSampler()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// ResourceBasedSlots returns a supplier that hands out slots while the
// machine's CPU and memory use stay under their targets: MinSlots at
// once, more one at a time (at most one per RampThrottle) while both
// loads are below target, never more than MaxSlots. A waiting Reserve
// looks again when a slot is released and every RampThrottle.
func ResourceBasedSlots(opts ResourceBasedOptions) SlotSupplier {
	o := opts.withDefaults()
	return &resourceSlots{o: o, freed: make(chan struct{})}
}

type resourceSlots struct {
	o         ResourceBasedOptions
	mu        sync.Mutex
	used      int
	lastGrant time.Time
	freed     chan struct{} // closed and replaced on every Release
}

// grant takes a slot if the rules allow it now, and returns the channel
// to wait on otherwise.
func (r *resourceSlots) grant() (bool, chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.used < r.o.MinSlots {
		r.used++
		return true, nil
	}
	now := r.o.Now()
	if r.used < r.o.MaxSlots && now.Sub(r.lastGrant) >= r.o.RampThrottle &&
		r.o.Sampler.CPU() < r.o.TargetCPU && r.o.Sampler.Memory() < r.o.TargetMemory {
		r.used++
		r.lastGrant = now
		return true, nil
	}
	return false, r.freed
}

func (r *resourceSlots) Reserve(ctx context.Context) error {
	for {
		ok, freed := r.grant()
		if ok {
			return nil
		}
		t := time.NewTimer(r.o.RampThrottle)
		select {
		case <-freed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
}

func (r *resourceSlots) TryReserve() bool { ok, _ := r.grant(); return ok }

func (r *resourceSlots) Release() {
	r.mu.Lock()
	r.used--
	close(r.freed)
	r.freed = make(chan struct{})
	r.mu.Unlock()
}

func (r *resourceSlots) Usage() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.used, r.o.MaxSlots - r.used
}

// DefaultResourceSampler returns a sampler of the machine's CPU use (from
// /proc/stat, over the time since the previous reading, at most every
// 100ms) and memory use (1 - MemAvailable/MemTotal from /proc/meminfo).
// Where /proc cannot be read, both read 0: slots are then limited by
// MaxSlots and RampThrottle only.
func DefaultResourceSampler() ResourceSampler { return &procSampler{} }
