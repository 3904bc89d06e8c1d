// Package activitystruct declares activities as methods of a struct.
package activitystruct

import (
	"context"
	"net/url"
)

// Fetcher's exported methods with a context are activities.
//
//temporal:activity prefix=Fetch.
type Fetcher struct{ client string }

// HTTPFetch fetches a page.
func (f *Fetcher) HTTPFetch(ctx context.Context, u url.URL) ([]byte, error) { return nil, nil }

// GetURLs lists URLs.
func (f Fetcher) GetURLs(ctx context.Context) ([]string, error) { return nil, nil }

// Reset is not an activity: no context.
func (f *Fetcher) Reset() {}

func (f *Fetcher) internal(ctx context.Context) error { return nil }

//temporal:activity name=fetch_id
func ID(ctx context.Context) (int64, error) { return 0, nil }
