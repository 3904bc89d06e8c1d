// Package acronyms checks that generated names keep Go's initialisms:
// HTTPFetch, GetURLs, ID, SetURL.
package acronyms

import (
	"context"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// HTTPFetch fetches URLs.
//
//temporal:workflow
type HTTPFetch struct{ urls []string }

//temporal:run
func (h *HTTPFetch) Run(ctx workflow.Context, urls []string) error { return nil }

//temporal:signal
func (h *HTTPFetch) AddURL(ctx workflow.Context, url string) { h.urls = append(h.urls, url) }

//temporal:query
func (h *HTTPFetch) GetURLs() ([]string, error) { return h.urls, nil }

//temporal:update
func (h *HTTPFetch) SetID(ctx workflow.Context, id string) (string, error) { return id, nil }

// URLs has activity methods.
//
//temporal:activity
type URLs struct{}

// GetURLs lists URLs.
func (URLs) GetURLs(ctx context.Context) ([]string, error) { return nil, nil }

// HTTPFetch fetches one.
func (*URLs) HTTPFetch(ctx context.Context, url string) ([]byte, error) { return nil, nil }

//temporal:activity
func ID(ctx context.Context) (string, error) { return "", nil }
