// Package nexusservice declares Nexus services: an interface whose
// implementations serve the operations, and a struct whose methods do,
// called from a workflow through the generated client.
package nexusservice

import (
	"context"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Charge is the input of Billing.Charge.
type Charge struct {
	Account string
	Cents   int64
}

// Receipt is the result of Billing.Charge.
type Receipt struct {
	ID   string
	When time.Time
}

// Billing is served by any implementation.
//
//temporal:nexus name=billing
type Billing interface {
	// Charge charges an account.
	//temporal:operation name=charge
	Charge(ctx context.Context, c Charge) (Receipt, error)
	// Void cancels a receipt; it has no result.
	Void(ctx context.Context, receiptID string) error
}

// Clock is served by its own methods.
//
//temporal:nexus
type Clock struct{ zone string }

// Now returns the time in a zone.
func (c *Clock) Now(ctx context.Context, zone string) (time.Time, error) { return time.Time{}, nil }

// Ticks has a value receiver and a map input.
//
//temporal:operation name=ticks
func (c Clock) Ticks(ctx context.Context, per map[string]int) ([]int, error) { return nil, nil }

// Zone is not an operation: no context.
func (c *Clock) Zone() string { return c.zone }

// Checkout calls both services.
//
//temporal:workflow
type Checkout struct{}

//temporal:run
func (w *Checkout) Run(ctx workflow.Context, endpoint string) (string, error) {
	opts := workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute}
	billing := NewBillingNexusClient(endpoint)
	r, err := billing.Charge(ctx, opts, Charge{Account: "a", Cents: 100}).Get(ctx)
	if err != nil {
		return "", err
	}
	if _, err := billing.Void(ctx, opts, r.ID).Get(ctx); err != nil {
		return "", err
	}
	now, err := NewClockNexusClient(endpoint).WithDataConverter(nil).Now(ctx, opts, "UTC").Get(ctx)
	return r.ID + now.String(), err
}
