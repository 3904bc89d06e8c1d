// Package importedtypes uses types of other packages, generic types,
// pointers, arrays and maps in signatures.
package importedtypes

import (
	"context"
	"net/url"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
	"github.com/temporalgen/temporalgen/testdata/ImportedTypes/shared"
)

// Report summarizes a window.
//
//temporal:workflow
type Report struct{ seen map[string]int }

//temporal:run
func (r *Report) Run(ctx workflow.Context, w shared.Window, every time.Duration) (*shared.Page[url.URL], error) {
	return nil, nil
}

//temporal:signal
func (r *Report) Seen(ctx workflow.Context, counts map[string]int, ids [4]int64) {}

//temporal:query
func (r *Report) Counts() (map[string]int, error) { return r.seen, nil }

//temporal:update
func (r *Report) Extend(ctx workflow.Context, to *time.Time) (shared.Page[string], error) {
	return shared.Page[string]{}, nil
}

//temporal:activity name=report.fetch
func Fetch(ctx context.Context, u *url.URL, w shared.Window) (map[string][]byte, error) { return nil, nil }
