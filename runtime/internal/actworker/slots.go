package actworker

import "context"

// Slots bound the activities a Poller (or the local activities a Local)
// runs at once; worker.SlotSupplier has the same methods.
type Slots interface {
	Reserve(ctx context.Context) error
	TryReserve() bool
	Release()
	Usage() (used, available int)
}

// fixedSlots is n slots.
type fixedSlots chan struct{}

// FixedSlots returns n slots (at least 1).
func FixedSlots(n int) Slots { return fixedSlots(make(chan struct{}, max(1, n))) }

func (f fixedSlots) Reserve(ctx context.Context) error {
	select {
	case f <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f fixedSlots) TryReserve() bool {
	select {
	case f <- struct{}{}:
		return true
	default:
		return false
	}
}

func (f fixedSlots) Release() { <-f }

func (f fixedSlots) Usage() (int, int) { n := len(f); return n, cap(f) - n }
