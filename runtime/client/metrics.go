package client

import (
	"context"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/internal/sdkmetrics"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// unaryInterceptors is the client's chain: metrics per call (with a
// handler), retries, metrics per attempt (with a handler), headers.
// Without a MetricsHandler the metrics layers are left out, so calls pay
// nothing for them.
func unaryInterceptors(opts Options) []grpc.UnaryClientInterceptor {
	root := sdkmetrics.New(opts.MetricsHandler, map[string]string{temporal.TagNamespace: opts.Namespace, temporal.TagClientName: temporal.ClientNameValue})
	if root == nil {
		return []grpc.UnaryClientInterceptor{retryInterceptor(opts.Retry), headerInterceptor(opts.Namespace, opts.APIKey, opts.APIKeyFunc, opts.Headers)}
	}
	return []grpc.UnaryClientInterceptor{
		metricsInterceptor(root, ""),
		retryInterceptor(opts.Retry),
		metricsInterceptor(root, temporal.MetricAttemptSuffix),
		headerInterceptor(opts.Namespace, opts.APIKey, opts.APIKeyFunc, opts.Headers),
	}
}

// metricsInterceptor records every call once, after its retries (and,
// with suffix MetricAttemptSuffix, inside the retry loop: every attempt):
// temporal_request (or temporal_long_request for long polls), its
// latency, and on failure temporal_request_failure tagged with the gRPC
// status code (and temporal_request_resource_exhausted for
// ResourceExhausted); a poll cancelled by a stopping worker is a failure
// with status_code Canceled, as in Temporal's other SDKs.
func metricsInterceptor(root *sdkmetrics.Scope, suffix string) grpc.UnaryClientInterceptor {
	short, long := metricNames(false, suffix), metricNames(true, suffix)
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		m := root.With(temporal.TagOperation, operationOf(method))
		start := time.Now()
		err := invoker(ctx, method, req, reply, cc, opts...)
		names := short
		if isLongPoll(method, req) {
			names = long
		}
		m.Inc(names.count)
		m.Since(names.latency, start)
		if err != nil {
			code := status.Code(err)
			m.With(temporal.TagStatusCode, code.String()).Inc(names.failure)
			if code == codes.ResourceExhausted {
				m.Inc(names.exhausted)
			}
		}
		return err
	}
}

type requestMetricNames struct{ count, latency, failure, exhausted string }

func metricNames(long bool, suffix string) requestMetricNames {
	n := requestMetricNames{temporal.MetricRequest, temporal.MetricRequestLatency, temporal.MetricRequestFailure, temporal.MetricRequestResourceExhausted}
	if long {
		n = requestMetricNames{temporal.MetricLongRequest, temporal.MetricLongRequestLatency, temporal.MetricLongRequestFailure, temporal.MetricLongRequestResourceExhausted}
	}
	return requestMetricNames{n.count + suffix, n.latency + suffix, n.failure + suffix, n.exhausted + suffix}
}

// operationOf returns the RPC name of a full gRPC method name
// ("/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution"
// → "StartWorkflowExecution").
func operationOf(method string) string {
	if i := strings.LastIndexByte(method, '/'); i >= 0 {
		return method[i+1:]
	}
	return method
}
