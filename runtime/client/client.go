package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Client is a connection to a Temporal frontend, bound to one namespace. It
// is safe for concurrent use. Close it when done.
type Client struct {
	conn    *grpc.ClientConn
	service workflowservice.WorkflowServiceClient
	opts    Options // with defaults applied
	sysInfo *workflowservice.GetSystemInfoResponse
	out     Outbound // Options.Interceptors chained; nil without
	eager   eagerWorkers
}

// Dial connects to the Temporal frontend described by opts and checks that it
// answers (GetSystemInfo) within opts.DialTimeout. While the server is
// unreachable Dial retries until the timeout, then fails with an error such
// as "client: cannot reach Temporal at 127.0.0.1:1 within 10s: ...". ctx can
// cut the wait short. Other failures (e.g. an API key the server rejects)
// are returned at once.
func Dial(ctx context.Context, opts Options) (*Client, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	dialOpts := []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(unaryInterceptors(opts)...),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(DefaultMaxMessageSize),
			grpc.MaxCallSendMsgSize(DefaultMaxMessageSize),
		),
		// Reconnect within a second after the server comes back instead
		// of gRPC's default of up to two minutes: a connection attempt is
		// cheap, and workers and retried calls wait for it (WaitConn).
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: backoff.Config{
				BaseDelay:  100 * time.Millisecond,
				Multiplier: 1.6,
				Jitter:     0.2,
				MaxDelay:   time.Second,
			},
			MinConnectTimeout: 20 * time.Second,
		}),
	}
	if opts.TLS != nil {
		dialOpts = append(dialOpts, grpc.WithTransportCredentials(credentials.NewTLS(opts.TLS)))
	} else {
		dialOpts = append(dialOpts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	dialOpts = append(dialOpts, opts.GRPCDialOptions...)
	conn, err := grpc.NewClient(opts.HostPort, dialOpts...)
	if err != nil {
		return nil, fmt.Errorf("client: dial Temporal at %s: %w", opts.HostPort, err)
	}
	c := &Client{conn: conn, service: workflowservice.NewWorkflowServiceClient(conn), opts: opts}
	if c.out, err = chainInterceptors(c, opts.Interceptors); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if err := c.checkReachable(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	opts.Logger.Debug("temporal client connected",
		slog.String("address", opts.HostPort),
		slog.String("namespace", opts.Namespace),
		slog.String("server_version", c.sysInfo.GetServerVersion()))
	return c, nil
}

// checkReachable calls GetSystemInfo until it succeeds, fails with something
// other than Unavailable, or DialTimeout (or ctx) expires.
func (c *Client) checkReachable(ctx context.Context) error {
	timeout := c.opts.DialTimeout
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	delay := 50 * time.Millisecond
	var lastErr error
	for {
		resp, err := c.service.GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{})
		if err == nil {
			c.sysInfo = resp
			return nil
		}
		code := status.Code(err)
		if code != codes.Unavailable && code != codes.DeadlineExceeded && code != codes.Canceled {
			return fmt.Errorf("client: connect to Temporal at %s: %w", c.opts.HostPort, err)
		}
		if code == codes.Unavailable || lastErr == nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
			delay = min(2*delay, time.Second)
			continue
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("client: cannot reach Temporal at %s within %s: %w", c.opts.HostPort, timeout, lastErr)
		}
		return fmt.Errorf("client: connect to Temporal at %s: %w (last error: %v)", c.opts.HostPort, ctx.Err(), lastErr)
	}
}

// headerInterceptor adds the client identification and feature headers, the
// namespace header, when apiKey is set or apiKeyFunc gives one, the
// authorization header, and the extra headers to every call.
func headerInterceptor(namespace, apiKey string, apiKeyFunc func(context.Context) (string, error), extra map[string]string) grpc.UnaryClientInterceptor {
	kv := []string{
		"client-name", ClientName,
		"client-version", ClientVersion,
		"temporal-namespace", namespace,
		// We follow new_execution_run_id on Completed/Failed/TimedOut close
		// events; without this the server disguises those events as
		// ContinuedAsNew for old SDKs.
		"supported-features", "follows-next-run-id",
	}
	if apiKey != "" {
		kv = append(kv, "authorization", "Bearer "+apiKey)
	}
	kv = withHeaders(kv, extra)
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		// Headers the caller set win. Looking them up one by one does not
		// copy the outgoing metadata, which FromOutgoingContext would on
		// every call; usually the caller set none and kv goes as it is.
		add := kv
		for i := 0; i < len(kv); i += 2 {
			if len(metadata.ValueFromOutgoingContext(ctx, kv[i])) > 0 {
				add = unsetHeaders(ctx, kv)
				break
			}
		}
		if len(add) > 0 {
			ctx = metadata.AppendToOutgoingContext(ctx, add...)
		}
		if apiKeyFunc != nil && len(metadata.ValueFromOutgoingContext(ctx, "authorization")) == 0 {
			key, err := apiKeyFunc(ctx)
			if err != nil {
				return status.Errorf(codes.Unauthenticated, "client: Options.APIKeyFunc: %v", err)
			}
			if key != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
			}
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// unsetHeaders returns the key-value pairs of kv whose key ctx's outgoing
// metadata does not have.
func unsetHeaders(ctx context.Context, kv []string) []string {
	var out []string
	for i := 0; i < len(kv); i += 2 {
		if len(metadata.ValueFromOutgoingContext(ctx, kv[i])) == 0 {
			out = append(out, kv[i], kv[i+1])
		}
	}
	return out
}

// WorkflowService returns the raw gRPC service client, for calls this
// package does not wrap. Requests must name the namespace themselves.
func (c *Client) WorkflowService() workflowservice.WorkflowServiceClient { return c.service }

// Conn returns the client's gRPC connection, for services this package
// does not wrap (the operator service, health checks). Calls on it go
// through the client's headers and retries.
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Namespace returns the namespace the client works in.
func (c *Client) Namespace() string { return c.opts.Namespace }

// Identity returns the identity the client reports to the server.
func (c *Client) Identity() string { return c.opts.Identity }

// DataConverter returns the client's data converter.
func (c *Client) DataConverter() converter.DataConverter { return c.opts.DataConverter }

// FailureConverter returns the client's failure converter.
func (c *Client) FailureConverter() converter.FailureConverter { return c.opts.FailureConverter }

// MetricsHandler returns Options.MetricsHandler (nil when unset).
func (c *Client) MetricsHandler() temporal.MetricsHandler { return c.opts.MetricsHandler }

// Logger returns the client's logger.
func (c *Client) Logger() *slog.Logger { return c.opts.Logger }

// HostPort returns the address the client is connected to.
func (c *Client) HostPort() string { return c.opts.HostPort }

// SystemInfo returns the server's answer to GetSystemInfo received by Dial
// (server version and capabilities).
func (c *Client) SystemInfo() *workflowservice.GetSystemInfoResponse { return c.sysInfo }

// Close closes the connection. Calls in flight fail with codes.Canceled.
func (c *Client) Close() error { return c.conn.Close() }
