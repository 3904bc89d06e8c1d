package workflow_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	sdkpb "go.temporal.io/api/sdk/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// cliWorkflow keeps a list of items, with described handlers and current
// details, for the temporal CLI to drive.
func cliWorkflow(ctx workflow.Context) ([]string, error) {
	var items []string
	stop := false
	details := func() { workflow.SetCurrentDetails(ctx, fmt.Sprintf("**%d items**", len(items))) }
	mustNil(workflow.SetSignalHandler(ctx, "add", func(_ workflow.Context, args converter.Values) error {
		s, err := stringArg(args)
		if err != nil {
			return err
		}
		items = append(items, s)
		details()
		return nil
	}, workflow.SignalOptions{Description: "Add an item to the list"}))
	mustNil(workflow.SetQueryHandler(ctx, "items", func(workflow.Context, converter.Values) (any, error) {
		return items, nil
	}, workflow.QueryOptions{Description: "The items added so far"}))
	mustNil(workflow.SetUpdateHandler(ctx, "push", func(_ workflow.Context, args converter.Values) (any, error) {
		s, err := stringArg(args)
		if err != nil {
			return nil, err
		}
		items = append(items, s)
		details()
		return len(items), nil
	}, workflow.UpdateOptions{Description: "Add an item and return the count", Validator: func(_ workflow.Context, args converter.Values) error {
		s, err := stringArg(args)
		if err != nil {
			return err
		}
		if s == "" {
			return fmt.Errorf("item must not be empty")
		}
		return nil
	}}))
	mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{Description: "Finish the workflow"}))
	workflow.SetCurrentDetails(ctx, "waiting for items")
	err := workflow.Await(ctx, func() bool { return stop })
	return items, err
}

// definitions maps the names of interaction definitions to descriptions.
func definitions(defs []*sdkpb.WorkflowInteractionDefinition) map[string]string {
	m := map[string]string{}
	for _, d := range defs {
		m[d.GetName()] = d.GetDescription()
	}
	return m
}

// Issue 4 test 12: the temporal CLI, an independent client, drives our
// workflow: signal, query, update (accepted and rejected), metadata with
// descriptions and current details, and stack.
func TestCLIInterop(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("CLI", cliWorkflow)
		e.startWorker()
		h := e.start("CLI")
		wf := []string{"--workflow-id", h.ID()}
		run := func(args ...string) string {
			t.Helper()
			out, err := e.cli(append(args, wf...)...)
			if err != nil {
				t.Fatalf("temporal %s: %v", strings.Join(args, " "), err)
			}
			return out
		}

		run("workflow", "signal", "--name", "add", "--input", `"apple"`)
		var q struct {
			QueryResult [][]string `json:"queryResult"`
		}
		out := run("workflow", "query", "--type", "items", "-o", "json")
		if err := json.Unmarshal([]byte(out), &q); err != nil || len(q.QueryResult) != 1 || !slices.Equal(q.QueryResult[0], []string{"apple"}) {
			t.Errorf("workflow query items printed %q (%v); want a result [apple]", out, err)
		}

		out = run("workflow", "update", "execute", "--name", "push", "--input", `"banana"`, "-o", "json")
		var u struct {
			Name     string          `json:"name"`
			UpdateID string          `json:"updateId"`
			Result   json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &u); err != nil || strings.TrimSpace(string(u.Result)) != "2" {
			t.Errorf("workflow update execute push printed %q (%v); want result 2", out, err)
		}
		out, err := e.cli(append([]string{"workflow", "update", "execute", "--name", "push", "--input", `""`}, wf...)...)
		if err == nil || !strings.Contains(err.Error(), "item must not be empty") {
			t.Errorf("rejected update through the CLI: output %q, err %v; want the validator's message", out, err)
		}
		if got := query[[]string](e, h, "items"); !slices.Equal(got, []string{"apple", "banana"}) {
			t.Errorf("items after the CLI calls = %q", got)
		}

		// Metadata, through the CLI's metadata command and the raw query.
		out = run("workflow", "metadata", "-o", "json")
		checkMetadata := func(src string, md *sdkpb.WorkflowMetadata) {
			t.Helper()
			def := md.GetDefinition()
			if def.GetType() != "CLI" {
				t.Errorf("%s: workflow type %q, want CLI", src, def.GetType())
			}
			want := map[string]map[string]string{
				"signals": {"add": "Add an item to the list", "stop": "Finish the workflow"},
				"queries": {"items": "The items added so far", "__stack_trace": "", "__temporal_workflow_metadata": ""},
				"updates": {"push": "Add an item and return the count"},
			}
			got := map[string]map[string]string{
				"signals": definitions(def.GetSignalDefinitions()),
				"queries": definitions(def.GetQueryDefinitions()),
				"updates": definitions(def.GetUpdateDefinitions()),
			}
			for kind, w := range want {
				for name, desc := range w {
					d, ok := got[kind][name]
					if !ok {
						t.Errorf("%s: %s lack %q: %v", src, kind, name, got[kind])
					} else if desc != "" && d != desc {
						t.Errorf("%s: %s %q has description %q, want %q", src, kind, name, d, desc)
					}
				}
			}
			for _, defs := range [][]*sdkpb.WorkflowInteractionDefinition{def.GetSignalDefinitions(), def.GetQueryDefinitions(), def.GetUpdateDefinitions()} {
				if !slices.IsSortedFunc(defs, func(a, b *sdkpb.WorkflowInteractionDefinition) int { return strings.Compare(a.GetName(), b.GetName()) }) {
					t.Errorf("%s: definitions not sorted by name: %v", src, defs)
				}
			}
			if md.GetCurrentDetails() != "**2 items**" {
				t.Errorf("%s: current details %q, want **2 items**", src, md.GetCurrentDetails())
			}
		}
		// Both print {"queryResult": [<WorkflowMetadata as JSON>]}.
		parseMetadata := func(src, out string) {
			t.Helper()
			var raw struct {
				QueryResult []json.RawMessage `json:"queryResult"`
			}
			var md sdkpb.WorkflowMetadata
			if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw.QueryResult) != 1 {
				t.Errorf("%s printed %q: %v", src, out, err)
			} else if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw.QueryResult[0], &md); err != nil {
				t.Errorf("%s result %s: %v", src, raw.QueryResult[0], err)
			} else {
				checkMetadata(src, &md)
			}
		}
		parseMetadata("temporal workflow metadata", out)
		parseMetadata("temporal workflow query __temporal_workflow_metadata",
			run("workflow", "query", "--type", "__temporal_workflow_metadata", "-o", "json"))
		// Our own client decodes the json/protobuf answer too.
		if v, err := queryErr[*sdkpb.WorkflowMetadata](e, h, "__temporal_workflow_metadata"); err != nil {
			t.Errorf("metadata query through our client: %v", err)
		} else {
			checkMetadata("client query __temporal_workflow_metadata", v)
		}

		out = run("workflow", "stack")
		if !strings.Contains(out, "coroutine root") || !strings.Contains(out, "cliWorkflow") {
			t.Errorf("workflow stack printed %q; want the root coroutine blocked in cliWorkflow", out)
		}

		run("workflow", "signal", "--name", "stop")
		if got := result[[]string](e, h); !slices.Equal(got, []string{"apple", "banana"}) {
			t.Errorf("workflow returned %q", got)
		}
	})
}
