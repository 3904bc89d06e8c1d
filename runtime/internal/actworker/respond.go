package actworker

import (
	"context"
	"log/slog"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
)

const (
	// rpcTimeout bounds one heartbeat or Respond RPC.
	rpcTimeout = 10 * time.Second
	// maxRespondAttempts bounds the tries of one Respond RPC.
	maxRespondAttempts = 5
)

func isNotFound(err error) bool { return status.Code(err) == codes.NotFound }

// isTransient reports whether a failed RPC may succeed if retried.
func isTransient(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded:
		return true
	}
	return false
}

func (p *Poller) respondCompleted(log *slog.Logger, token []byte, result *commonpb.Payloads) {
	p.respond(log, "RespondActivityTaskCompleted", func(ctx context.Context) error {
		_, err := p.cfg.Service.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
			TaskToken: token,
			Result:    result,
			Identity:  p.cfg.Identity,
			Namespace: p.cfg.Namespace,
		})
		return err
	})
}

func (p *Poller) respondFailed(log *slog.Logger, token []byte, err error, lastHeartbeat *commonpb.Payloads) {
	failure := p.cfg.FailureConverter.ErrorToFailure(err)
	p.respond(log, "RespondActivityTaskFailed", func(ctx context.Context) error {
		_, err := p.cfg.Service.RespondActivityTaskFailed(ctx, &workflowservice.RespondActivityTaskFailedRequest{
			TaskToken:            token,
			Failure:              failure,
			Identity:             p.cfg.Identity,
			Namespace:            p.cfg.Namespace,
			LastHeartbeatDetails: lastHeartbeat,
		})
		return err
	})
}

func (p *Poller) respondCanceled(log *slog.Logger, token []byte, details *commonpb.Payloads) {
	p.respond(log, "RespondActivityTaskCanceled", func(ctx context.Context) error {
		_, err := p.cfg.Service.RespondActivityTaskCanceled(ctx, &workflowservice.RespondActivityTaskCanceledRequest{
			TaskToken: token,
			Details:   details,
			Identity:  p.cfg.Identity,
			Namespace: p.cfg.Namespace,
		})
		return err
	})
}

// respond runs call, retrying transient failures with backoff up to
// maxRespondAttempts times. Retries stop early once Stop's grace period is
// over (each outcome still gets one try). NotFound means the server no
// longer wants the result and is only logged at debug level.
func (p *Poller) respond(log *slog.Logger, rpc string, call func(ctx context.Context) error) {
	for n := 1; ; n++ {
		ctx, cancel := context.WithTimeout(context.Background(), rpcTimeout)
		err := call(ctx)
		cancel()
		switch {
		case err == nil:
			log.Debug("activity outcome reported", "rpc", rpc)
			return
		case isNotFound(err):
			log.Debug("activity outcome dropped: the server no longer knows this activity", "rpc", rpc, "error", err)
			return
		case isTransient(err) && n < maxRespondAttempts:
			delay := p.cfg.Backoff.Delay(n)
			log.Warn("reporting activity outcome failed; retrying", "rpc", rpc, "error", err, "attempt", n, "retry_in", delay)
			if backoff.Wait(p.actCtx, delay) != nil {
				log.Error("reporting activity outcome failed; worker stopped before retry", "rpc", rpc, "error", err)
				return
			}
		default:
			log.Error("reporting activity outcome failed", "rpc", rpc, "error", err, "attempts", n)
			return
		}
	}
}
