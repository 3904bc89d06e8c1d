package codecserver

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
)

// ErrUnauthorized marks an Options.Authorize error that means "no valid
// credentials": the handler answers it with 401. Other errors get 403.
var ErrUnauthorized = errors.New("codecserver: unauthorized")

// RequireAuthorization returns an Options.Authorize func that accepts only
// requests whose Authorization header is exactly value, e.g.
// "Bearer <token>", as sent by `temporal --codec-auth "Bearer <token>"` (the
// Web UI sends "Bearer <the user's access token>" when its codec settings
// pass the access token). A request without the header fails with
// ErrUnauthorized (401), one with another value with 403. The comparison
// takes constant time. An empty value refuses every request.
func RequireAuthorization(value string) func(*http.Request) error {
	want := []byte(value)
	return func(r *http.Request) error {
		if value == "" {
			return errors.New("codecserver: RequireAuthorization was given an empty value; refusing every request")
		}
		got := r.Header.Get("Authorization")
		if got == "" {
			return fmt.Errorf("%w: the request has no Authorization header", ErrUnauthorized)
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return errors.New("codecserver: forbidden: the Authorization header does not match")
		}
		return nil
	}
}
