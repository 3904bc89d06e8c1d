package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	deploymentpb "go.temporal.io/api/deployment/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// VersioningOverride overrides the versioning behavior a workflow's
// workers declare (worker versioning): it takes precedence over what they
// send until it is removed.
type VersioningOverride struct {
	// Behavior is VERSIONING_BEHAVIOR_PINNED (the workflow's tasks go to
	// the worker deployment version below only) or
	// VERSIONING_BEHAVIOR_AUTO_UPGRADE (they go to the deployment's
	// current version).
	Behavior enumspb.VersioningBehavior
	// DeploymentName and BuildID name the worker deployment version a
	// pinned override pins the workflow to; both are required for
	// PINNED and must be empty for AUTO_UPGRADE.
	DeploymentName string
	BuildID        string
}

// toProto returns the override in the current wire form.
func (o *VersioningOverride) toProto() (*workflowpb.VersioningOverride, error) {
	switch o.Behavior {
	case enumspb.VERSIONING_BEHAVIOR_PINNED:
		if o.DeploymentName == "" || o.BuildID == "" {
			return nil, fmt.Errorf("a pinned override needs a deployment name and a build ID, got %q and %q", o.DeploymentName, o.BuildID)
		}
		return &workflowpb.VersioningOverride{Override: &workflowpb.VersioningOverride_Pinned{
			Pinned: &workflowpb.VersioningOverride_PinnedOverride{
				Behavior: workflowpb.VersioningOverride_PINNED_OVERRIDE_BEHAVIOR_PINNED,
				Version:  &deploymentpb.WorkerDeploymentVersion{DeploymentName: o.DeploymentName, BuildId: o.BuildID},
			},
		}}, nil
	case enumspb.VERSIONING_BEHAVIOR_AUTO_UPGRADE:
		if o.DeploymentName != "" || o.BuildID != "" {
			return nil, fmt.Errorf("an auto-upgrade override names no deployment version, got %q and %q", o.DeploymentName, o.BuildID)
		}
		return &workflowpb.VersioningOverride{Override: &workflowpb.VersioningOverride_AutoUpgrade{AutoUpgrade: true}}, nil
	}
	return nil, fmt.Errorf("versioning override behavior must be PINNED or AUTO_UPGRADE, got %v", o.Behavior)
}

// versioningOverrideFromProto reads an override in the current wire form
// or, from older servers, the deprecated fields. It returns nil for none.
func versioningOverrideFromProto(p *workflowpb.VersioningOverride) *VersioningOverride {
	if p == nil {
		return nil
	}
	switch {
	case p.GetPinned() != nil:
		v := p.GetPinned().GetVersion()
		return &VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_PINNED, DeploymentName: v.GetDeploymentName(), BuildID: v.GetBuildId()}
	case p.GetAutoUpgrade():
		return &VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_AUTO_UPGRADE}
	}
	// Servers before the override oneof send only the deprecated fields.
	switch p.GetBehavior() {
	case enumspb.VERSIONING_BEHAVIOR_UNSPECIFIED:
		return nil
	case enumspb.VERSIONING_BEHAVIOR_PINNED:
		o := &VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_PINNED}
		if d := p.GetDeployment(); d != nil {
			o.DeploymentName, o.BuildID = d.GetSeriesName(), d.GetBuildId()
		} else if name, build, ok := strings.Cut(p.GetPinnedVersion(), "."); ok {
			// "<deployment name>.<build ID>"; deployment names have no dot.
			o.DeploymentName, o.BuildID = name, build
		}
		return o
	default:
		return &VersioningOverride{Behavior: p.GetBehavior()}
	}
}

// WorkflowExecutionOptionsUpdate says which options of a running workflow
// UpdateWorkflowExecutionOptions changes; fields left zero are kept. At
// least one change is required.
type WorkflowExecutionOptionsUpdate struct {
	// VersioningOverride, when set, replaces the workflow's versioning
	// override.
	VersioningOverride *VersioningOverride
	// UnsetVersioningOverride removes the workflow's versioning override,
	// so that its workers' declared behavior applies again. It is an error
	// together with VersioningOverride.
	UnsetVersioningOverride bool
}

// WorkflowExecutionOptions are the options of a workflow execution that
// can change while it runs, as the server reports them after an update.
type WorkflowExecutionOptions struct {
	// VersioningOverride is nil when the workflow has none.
	VersioningOverride *VersioningOverride
}

// UpdateOptions changes options of the handle's run (the latest run if
// RunID is empty) while it runs; see Client.UpdateWorkflowExecutionOptions.
func (h *WorkflowHandle) UpdateOptions(ctx context.Context, u WorkflowExecutionOptionsUpdate) (WorkflowExecutionOptions, error) {
	return h.c.UpdateWorkflowExecutionOptions(ctx, h.id, h.runID, u)
}

// UpdateWorkflowExecutionOptions changes options of the run
// workflowID/runID (an empty runID means the current run) and returns the
// options in effect afterwards. Only the fields u sets are sent (as the
// request's field mask), so other options are left as they are. The server
// records the change as a WorkflowExecutionOptionsUpdated event, and
// Describe shows the override (WorkflowDescription.VersioningOverride).
//
// Server 1.29 supports the versioning override only, behind the dynamic
// config frontend.workerVersioningWorkflowAPIs; it accepts an override
// pinned to a worker deployment version that does not exist (yet), and
// the workflow's tasks then wait for a worker of that version.
func (c *Client) UpdateWorkflowExecutionOptions(ctx context.Context, workflowID, runID string, u WorkflowExecutionOptionsUpdate) (WorkflowExecutionOptions, error) {
	const op = "update workflow execution options"
	opts := &workflowpb.WorkflowExecutionOptions{}
	var paths []string
	switch {
	case u.VersioningOverride != nil && u.UnsetVersioningOverride:
		return WorkflowExecutionOptions{}, wrapOp(op, workflowID, errors.New("VersioningOverride and UnsetVersioningOverride are both set"))
	case u.VersioningOverride != nil:
		p, err := u.VersioningOverride.toProto()
		if err != nil {
			return WorkflowExecutionOptions{}, wrapOp(op, workflowID, err)
		}
		opts.VersioningOverride = p
		paths = append(paths, "versioning_override")
	case u.UnsetVersioningOverride:
		paths = append(paths, "versioning_override") // in the mask and nil: removed
	}
	if len(paths) == 0 {
		return WorkflowExecutionOptions{}, wrapOp(op, workflowID, errors.New("nothing to update"))
	}
	resp, err := c.service.UpdateWorkflowExecutionOptions(ctx, &workflowservice.UpdateWorkflowExecutionOptionsRequest{
		Namespace:                c.opts.Namespace,
		WorkflowExecution:        &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
		WorkflowExecutionOptions: opts,
		UpdateMask:               &fieldmaskpb.FieldMask{Paths: paths},
		Identity:                 c.opts.Identity,
	})
	if err != nil {
		return WorkflowExecutionOptions{}, c.rpcError(op, workflowID, runID, err)
	}
	return WorkflowExecutionOptions{
		VersioningOverride: versioningOverrideFromProto(resp.GetWorkflowExecutionOptions().GetVersioningOverride()),
	}, nil
}

// VersioningOverride returns the workflow's versioning override, or nil
// when it has none.
func (d *WorkflowDescription) VersioningOverride() *VersioningOverride {
	return versioningOverrideFromProto(d.Info().GetVersioningInfo().GetVersioningOverride())
}
