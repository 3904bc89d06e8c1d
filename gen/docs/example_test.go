package docs_test

import (
	"fmt"
	"strings"

	"github.com/temporalgen/temporalgen/gen/docs"
	"github.com/temporalgen/temporalgen/gen/model"
)

// Markdown renders the reference of a package; every workflow, signal,
// query and update comes with a temporal CLI command.
func ExampleMarkdown() {
	str := model.TypeRef{Kind: model.Basic, Name: "string", String: "string"}
	pkg := &model.Package{
		Path: "example.com/hello", Name: "hello",
		Workflows: []model.Workflow{{
			GoName: "Hello", Name: "Hello", TaskQueue: "hello", Sandboxed: true,
			Run:     model.Method{GoName: "Run", HasContext: true, Params: []model.Param{{Name: "name", Type: str}}, Result: &str, ReturnsError: true},
			Signals: []model.Handler{{Kind: model.SignalHandler, GoName: "Poke", Name: "poke", Description: "wake up", HasContext: true}},
		}},
	}
	md, err := docs.Markdown(pkg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "temporal ") {
			fmt.Println(line)
		}
	}
	// Output:
	// temporal workflow start --type Hello --task-queue hello --workflow-id "$WORKFLOW_ID" --input '"name"'
	// temporal workflow signal --workflow-id "$WORKFLOW_ID" --name poke
}
