// Package activitiesonly declares activities but no workflow: a function
// and two activity structs, one with a name prefix.
package activitiesonly

import (
	"context"
)

// Mailer sends mail.
//
//temporal:activity prefix=mail.
type Mailer struct{ from string }

// Send sends one mail.
func (m *Mailer) Send(ctx context.Context, to, body string) error { return nil }

// Bounce reports bounces.
func (m *Mailer) Bounce(ctx context.Context) ([]string, error) { return nil, nil }

// Store stores blobs.
//
//temporal:activity
type Store struct{}

// Put stores a blob.
func (Store) Put(ctx context.Context, key string, blob []byte) (int, error) { return len(blob), nil }

//temporal:activity name=hash
func Sum(ctx context.Context, blob []byte) (uint64, error) { return 0, nil }
