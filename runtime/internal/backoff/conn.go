package backoff

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
)

// WaitConn is Wait for a caller whose call failed on conn: when conn is not
// ready (the server went away), the wait also ends as soon as conn is
// ready again, and reconnected says so; the caller should then retry at
// once and start its schedule over. When conn is ready (the server answered
// with an error) it waits the full d. An idle conn is asked to connect, as
// gRPC does not reconnect one until the next call.
func WaitConn(ctx context.Context, conn *grpc.ClientConn, d time.Duration) (reconnected bool, err error) {
	if conn == nil || conn.GetState() == connectivity.Ready {
		return false, Wait(ctx, d)
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		s := conn.GetState()
		switch s {
		case connectivity.Ready:
			return true, nil
		case connectivity.Idle:
			conn.Connect()
		case connectivity.Shutdown:
			return false, Wait(ctx, time.Until(deadline(wctx)))
		}
		if !conn.WaitForStateChange(wctx, s) {
			// wctx ended: either d has passed (err nil) or ctx ended.
			return false, ctx.Err()
		}
	}
}

func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
