package testsuite

import (
	"context"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// taskToken is the token activity.GetInfo reports for the running attempt:
// readable, and unique per run, activity and attempt, as a server's is.
func (a *activity) taskToken() []byte {
	return fmt.Appendf(nil, "%s/%s/%s/%d", a.x.id, a.x.runID, a.attrs.ActivityId, a.attempt)
}

// asyncActivity finds the attempt a task token names among those waiting
// for asynchronous completion.
func (e *Env) asyncActivity(taskToken []byte) *activity {
	for _, x := range e.executions {
		if !x.open() {
			continue
		}
		for _, a := range x.activities {
			if a.running && a.async && string(a.taskToken()) == string(taskToken) {
				return a
			}
		}
	}
	return nil
}

// errNoAsyncActivity is returned for a task token that names no activity
// waiting for asynchronous completion.
func errNoAsyncActivity(token []byte) error {
	return fmt.Errorf("testsuite: no activity waits for asynchronous completion with task token %q (it was completed, timed out, or never returned activity.ErrResultPending)", token)
}

// CompleteActivity ends an activity attempt that returned
// activity.ErrResultPending, as client.Client.CompleteActivity does on a
// server: err nil completes it with result, a *temporal.CanceledError
// cancels it (only once the workflow requested its cancellation, as the
// server requires), any other error fails the attempt, which is retried
// per the activity's retry policy. taskToken is the one the activity read
// from activity.GetInfo.
//
// Call it from a callback (RegisterDelayedCallback, RegisterCallbackWhen),
// between workflow tasks. Until it is called the activity stays open and
// meets its timeouts on the virtual clock: with nothing else to do, the
// clock jumps to them, so schedule the callback before. With
// Options.Server it completes the activity through the client on the
// server.
func (e *Env) CompleteActivity(taskToken []byte, result any, err error) error {
	if e.srv != nil {
		c, ctx, cerr := e.srv.client()
		if cerr != nil {
			return cerr
		}
		return c.CompleteActivity(ctx, taskToken, result, err)
	}
	if errors.Is(err, actctx.ErrResultPending) {
		return errors.New("testsuite: activity.ErrResultPending is not an outcome")
	}
	a := e.asyncActivity(taskToken)
	if a == nil {
		return errNoAsyncActivity(taskToken)
	}
	switch {
	case err == nil:
		var p *commonpb.Payloads
		if result != nil {
			var encErr error
			if p, encErr = e.encode(result); encErr != nil {
				return encErr
			}
		}
		a.settle(p, nil)
	case temporal.IsCanceledError(err) || errors.Is(err, context.Canceled):
		if a.cancelReq == 0 {
			return errors.New("testsuite: the activity cannot be canceled: its cancellation was not requested")
		}
		if ce, ok := errors.AsType[*temporal.CanceledError](err); ok && len(ce.DetailValues()) > 0 {
			p, encErr := e.encode(ce.DetailValues()...)
			if encErr != nil {
				return encErr
			}
			a.details = p
		}
		a.settle(nil, err)
	default:
		a.settle(nil, err)
	}
	return nil
}

// RecordActivityHeartbeat records a heartbeat for an activity attempt
// that returned activity.ErrResultPending, as
// client.Client.RecordActivityHeartbeat does: it resets the heartbeat
// timeout and keeps details for a later attempt. It reports whether the
// workflow requested the activity's cancellation. Call it from a
// callback, as CompleteActivity. With Options.Server it goes through the
// client.
func (e *Env) RecordActivityHeartbeat(taskToken []byte, details ...any) (cancelRequested bool, err error) {
	if e.srv != nil {
		c, ctx, cerr := e.srv.client()
		if cerr != nil {
			return false, cerr
		}
		res, err := c.RecordActivityHeartbeat(ctx, taskToken, details...)
		return res.CancelRequested, err
	}
	a := e.asyncActivity(taskToken)
	if a == nil {
		return false, errNoAsyncActivity(taskToken)
	}
	p, err := e.encode(details...)
	if err != nil {
		return false, err
	}
	e.mu.Lock()
	a.details, a.lastBeat = p, e.clock.now
	e.mu.Unlock()
	return a.cancelReq != 0, nil
}

// client returns the client of the running ExecuteWorkflow on a server.
func (s *serverRun) client() (*client.Client, context.Context, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil, nil, errNoWorkflow
	}
	return s.c, s.ctx, nil
}
