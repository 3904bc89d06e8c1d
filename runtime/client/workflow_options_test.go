package client_test

import (
	"errors"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/client"
)

// describeOverride returns the versioning override Describe reports.
func describeOverride(t *testing.T, h *client.WorkflowHandle) *client.VersioningOverride {
	t.Helper()
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return d.VersioningOverride()
}

func TestUpdateWorkflowExecutionOptionsVersioningOverride(t *testing.T) {
	c := dial(t, client.Options{})
	// No worker needed: the options live on the server. The server accepts
	// a pin to a deployment version no worker serves.
	h := start(t, c, client.StartWorkflowOptions{ID: uniqueID(t.Name())})
	t.Cleanup(func() { _ = h.Terminate(testCtx(t), "test over") })

	pinned := client.VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_PINNED, DeploymentName: "orders", BuildID: "v1.2.3"}
	got, err := h.UpdateOptions(testCtx(t), client.WorkflowExecutionOptionsUpdate{VersioningOverride: &pinned})
	if err != nil {
		t.Fatal(err)
	}
	if got.VersioningOverride == nil || *got.VersioningOverride != pinned {
		t.Fatalf("options after pinning: %+v", got.VersioningOverride)
	}
	if o := describeOverride(t, h); o == nil || *o != pinned {
		t.Fatalf("describe after pinning: %+v", o)
	}

	auto := client.VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_AUTO_UPGRADE}
	if got, err = c.UpdateWorkflowExecutionOptions(testCtx(t), h.ID(), "", client.WorkflowExecutionOptionsUpdate{VersioningOverride: &auto}); err != nil {
		t.Fatal(err)
	}
	if got.VersioningOverride == nil || *got.VersioningOverride != auto {
		t.Fatalf("options after auto-upgrade: %+v", got.VersioningOverride)
	}
	if o := describeOverride(t, h); o == nil || *o != auto {
		t.Fatalf("describe after auto-upgrade: %+v", o)
	}

	if got, err = h.UpdateOptions(testCtx(t), client.WorkflowExecutionOptionsUpdate{UnsetVersioningOverride: true}); err != nil {
		t.Fatal(err)
	}
	if got.VersioningOverride != nil {
		t.Fatalf("options after unsetting: %+v", got.VersioningOverride)
	}
	if o := describeOverride(t, h); o != nil {
		t.Fatalf("describe after unsetting: %+v", o)
	}

	// Each change is an event of the run's history.
	var updates []string
	for _, ev := range fetchHistory(t, h) {
		if a := ev.GetWorkflowExecutionOptionsUpdatedEventAttributes(); a != nil {
			switch {
			case a.GetUnsetVersioningOverride():
				updates = append(updates, "unset")
			case a.GetVersioningOverride().GetPinned() != nil:
				updates = append(updates, "pinned:"+a.GetVersioningOverride().GetPinned().GetVersion().GetBuildId())
			case a.GetVersioningOverride().GetAutoUpgrade():
				updates = append(updates, "auto")
			}
		}
	}
	if want := []string{"pinned:v1.2.3", "auto", "unset"}; len(updates) != 3 || updates[0] != want[0] || updates[1] != want[1] || updates[2] != want[2] {
		t.Errorf("WorkflowExecutionOptionsUpdated events %q, want %q", updates, want)
	}
}

func TestUpdateWorkflowExecutionOptionsErrors(t *testing.T) {
	c := dial(t, client.Options{})
	h := c.GetWorkflow(uniqueID("missing"), "")
	pin := &client.VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_PINNED, DeploymentName: "d", BuildID: "b"}
	for name, u := range map[string]client.WorkflowExecutionOptionsUpdate{
		"nothing":           {},
		"set and unset":     {VersioningOverride: pin, UnsetVersioningOverride: true},
		"pinned no build":   {VersioningOverride: &client.VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_PINNED, DeploymentName: "d"}},
		"auto with version": {VersioningOverride: &client.VersioningOverride{Behavior: enumspb.VERSIONING_BEHAVIOR_AUTO_UPGRADE, BuildID: "b"}},
		"unspecified":       {VersioningOverride: &client.VersioningOverride{}},
	} {
		if _, err := h.UpdateOptions(testCtx(t), u); err == nil || status.Code(err) != codes.Unknown {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := h.UpdateOptions(testCtx(t), client.WorkflowExecutionOptionsUpdate{VersioningOverride: pin})
	var nf *client.NotFoundError
	if !errors.As(err, &nf) || nf.WorkflowID != h.ID() {
		t.Errorf("missing workflow: %v", err)
	}
}
