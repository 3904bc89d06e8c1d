package client

import (
	"context"
	"fmt"

	"google.golang.org/grpc/health/grpc_health_v1"
)

// workflowServiceName is the service the frontend reports health for.
const workflowServiceName = "temporal.api.workflowservice.v1.WorkflowService"

// CheckHealth asks the frontend's gRPC health service whether the workflow
// service is serving. It returns nil when it is, an error naming the
// reported status when it is not, and the RPC error when the server cannot
// be asked (retried like other calls, see RetryOptions).
func (c *Client) CheckHealth(ctx context.Context) error {
	resp, err := grpc_health_v1.NewHealthClient(c.conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: workflowServiceName})
	if err != nil {
		return fmt.Errorf("client: check health of %s: %w", c.opts.HostPort, err)
	}
	if s := resp.GetStatus(); s != grpc_health_v1.HealthCheckResponse_SERVING {
		return fmt.Errorf("client: check health of %s: %s is %s", c.opts.HostPort, workflowServiceName, s)
	}
	return nil
}
