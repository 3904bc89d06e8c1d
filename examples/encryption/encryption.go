// Package encryption is the payload encryption example: an AES-GCM
// converter.PayloadCodec with a keyring, a workflow whose input and result
// are secrets, and the codec server (runtime/converter/codecserver) that
// lets the Web UI and the temporal CLI show them decrypted.
//
// # Encrypting
//
// Workers and clients share one data converter, which encrypts every
// payload after converting it (arguments, results, signals, queries,
// memos and error details):
//
//	codec, err := encryption.NewCodec(encryption.Keyring{"key-1": key}, "key-1")
//	dc := converter.WithCodecs(converter.Default(), codec)
//	c, err := client.Dial(ctx, client.Options{DataConverter: dc})
//
// The Temporal server then stores only binary/encrypted payloads, with the
// key ID in their "encryption-key-id" metadata. Failure messages and stack
// traces stay readable unless the failure converter is built with
// converter.FailureConverterOptions{EncodeCommonAttributes: true}.
//
// # Reading encrypted histories
//
// A codec server holds the keyring and decrypts for people:
//
//	h, err := codecserver.New(codecserver.Options{
//		Codecs:         []converter.PayloadCodec{codec},
//		AllowedOrigins: []string{"http://localhost:8233"},
//	})
//	go http.ListenAndServe("127.0.0.1:8081", h)
//
//	temporal workflow show -w <id> --codec-endpoint http://127.0.0.1:8081
//
// In the Web UI, set the codec server endpoint (codec server settings in
// the top bar) to the same URL. cmd/demo runs all of it against a dev
// server; `make demo` runs it after the hello example.
package encryption

//go:generate go run github.com/temporalgen/temporalgen/cmd/temporalgen

import (
	"context"
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Customer is the input of Signup: personal data that must not be
// stored in clear text.
type Customer struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	CardNumber string `json:"cardNumber"`
}

// Signup welcomes a customer with an activity and returns the welcome
// text, which repeats the secrets.
//
//temporal:workflow task_queue=encryption
type Signup struct{}

//temporal:run
func (s *Signup) Run(ctx workflow.Context, in Customer) (string, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	return WelcomeActivity(ctx, opts, in).Get(ctx)
}

// Welcome writes the welcome text for a customer.
//
//temporal:activity
func Welcome(ctx context.Context, c Customer) (string, error) {
	last4 := c.CardNumber
	if len(last4) > 4 {
		last4 = last4[len(last4)-4:]
	}
	return fmt.Sprintf("Welcome, %s! Receipts go to %s; card ending in %s.", c.Name, c.Email, last4), nil
}
