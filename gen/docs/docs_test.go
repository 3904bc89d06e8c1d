package docs

import (
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen/model"
)

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"Greeter": "Greeter", "counter-v2": "counter-v2", "counting queue": "'counting queue'",
		`"x"`: `'"x"'`, "it's": `'it'\''s'`, "": "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestExample(t *testing.T) {
	named := model.TypeRef{Kind: model.Named, Name: "Order", String: "Order"}
	for _, tc := range []struct {
		p    model.Param
		want string
	}{
		{model.Param{Name: "name", Type: model.TypeRef{Kind: model.Basic, Name: "string"}}, `"name"`},
		{model.Param{Type: model.TypeRef{Kind: model.Basic, Name: "string"}}, `"text"`},
		{model.Param{Type: model.TypeRef{Kind: model.Basic, Name: "int64"}}, "0"},
		{model.Param{Type: model.TypeRef{Kind: model.Basic, Name: "bool"}}, "false"},
		{model.Param{Type: model.TypeRef{Kind: model.Slice, Elem: &named}}, "[]"},
		{model.Param{Type: named}, "<Order JSON>"},
	} {
		if got := example(tc.p); got != tc.want {
			t.Errorf("example(%+v) = %s, want %s", tc.p, got, tc.want)
		}
	}
}

func TestMarkdownEscapesDescriptions(t *testing.T) {
	pkg := &model.Package{Name: "p", Path: "example.com/p", Workflows: []model.Workflow{{
		GoName: "W", Name: "W", Sandboxed: true,
		Signals: []model.Handler{{Kind: model.SignalHandler, GoName: "S", Name: "s", Description: "a | b\nc"}},
	}}}
	md, err := Markdown(pkg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `s` | `S` | none | none | a \\| b c |", "temporal workflow signal --workflow-id \"$WORKFLOW_ID\" --name s\n", "--task-queue \"$TASK_QUEUE\""} {
		if !strings.Contains(string(md), want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
}
