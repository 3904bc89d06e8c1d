package emit

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen/model"
)

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"Fetcher": "fetcher", "HTTPClient": "httpClient", "ID": "id", "URLs": "urls", "GetURLs": "getURLs",
		"X": "x", "already": "already", "HTTPFetch": "httpFetch", "IDs": "ids",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScope(t *testing.T) {
	s := newScope(map[string]bool{"client": true, "ctx": true})
	var got []string
	for _, n := range []string{"ctx", "client", "ctx", "x", "", "_", "type", "2bad"} {
		got = append(got, s.name(n))
	}
	want := []string{"ctx2", "client2", "ctx3", "x", "arg", "arg2", "arg3", "arg4"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func str() model.TypeRef { return model.TypeRef{Kind: model.Basic, Name: "string", String: "string"} }

func testPackage() *model.Package {
	pos := func(line int) model.Pos { return model.Pos{File: "/src/p/p.go", Line: line, Col: 6} }
	run := model.Method{GoName: "Run", HasContext: true, Params: []model.Param{{Name: "in", Type: str()}}, Result: ptr(str()), ReturnsError: true}
	return &model.Package{
		Path: "example.com/p", Name: "p", Dir: "/src/p", Pos: pos(1),
		Workflows: []model.Workflow{
			{GoName: "Zed", Name: "Zed", Sandboxed: true, Run: run, Pos: pos(10),
				Signals: []model.Handler{
					{Kind: model.SignalHandler, GoName: "Second", Name: "Second", HasContext: true, Pos: pos(12)},
					{Kind: model.SignalHandler, GoName: "First", Name: "First", HasContext: true, Params: []model.Param{{Name: "s", Type: str()}}, Pos: pos(13)},
				}},
			{GoName: "Alpha", Name: "alpha", Sandboxed: true, Run: run, Pos: pos(20)},
		},
		Activities: []model.Activity{
			{GoName: "B", Name: "B", HasContext: true, ReturnsError: true, Pos: pos(30)},
			{GoName: "A", Name: "A", HasContext: true, ReturnsError: true, Pos: pos(31)},
		},
	}
}

func ptr[T any](v T) *T { return &v }

// TestFileIsDeterministic renders a package twice, and once more with its
// elements in another order: the bytes must not change.
func TestFileIsDeterministic(t *testing.T) {
	p := testPackage()
	first, errs := File(p)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	again, _ := File(testPackage())
	q := testPackage()
	slices.Reverse(q.Workflows)
	slices.Reverse(q.Activities)
	slices.Reverse(q.Workflows[1].Signals)
	shuffled, _ := File(q)
	if !bytes.Equal(first, again) || !bytes.Equal(first, shuffled) {
		t.Errorf("output differs between runs:\n%s\n---\n%s", first, shuffled)
	}
	if !bytes.HasPrefix(first, []byte("// "+Header+"\n")) {
		t.Errorf("no header:\n%s", first[:80])
	}
	// File must not reorder its input.
	if p.Workflows[0].GoName != "Zed" || p.Workflows[0].Signals[0].GoName != "Second" {
		t.Error("File modified its argument")
	}
	src := string(first)
	if a, z := strings.Index(src, "func StartAlpha("), strings.Index(src, "func StartZed("); a < 0 || z < 0 || a > z {
		t.Errorf("workflows not sorted: StartAlpha at %d, StartZed at %d", a, z)
	}
}

func TestCollisions(t *testing.T) {
	p := testPackage()
	p.Declared = []model.Ident{{Name: "ZedHandle", Pos: model.Pos{File: "/src/p/other.go", Line: 3, Col: 6}}, {Name: "Register", Pos: model.Pos{File: "/src/p/p.go", Line: 40, Col: 6}}}
	p.Workflows[0].Signals[0].GoName = "Cancel"
	p.Activities = append(p.Activities, model.Activity{GoName: "A", Name: "other", Receiver: "S", HasContext: true, ReturnsError: true, Pos: model.Pos{File: "/src/p/p.go", Line: 50, Col: 6}})
	src, errs := File(p)
	if src != nil {
		t.Error("File returned code despite collisions")
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"/src/p/p.go:10:6: generated ZedHandle for workflow Zed collides with ZedHandle declared at other.go:3:6: rename one of them",
		"/src/p/p.go:12:6: signal Cancel of workflow Zed: generated method ZedHandle.Cancel collides with the method every ZedHandle has: rename the Go method and keep the registered name with name=Cancel",
		"/src/p/p.go:40:6: Register is generated for package p: rename this declaration",
		"/src/p/p.go:50:6: generated AActivityName for activity method S.A collides with the one for activity A: rename one of them",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTestFile checks the test helpers: deterministic whatever the
// order of the model, nothing for an empty package, and only their own
// collisions (File reports its own).
func TestTestFile(t *testing.T) {
	first, errs := TestFile(testPackage())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	q := testPackage()
	slices.Reverse(q.Workflows)
	slices.Reverse(q.Activities)
	if shuffled, _ := TestFile(q); !bytes.Equal(first, shuffled) {
		t.Errorf("output differs with the model reordered:\n%s\n---\n%s", first, shuffled)
	}
	for _, want := range []string{"type AlphaInEnv struct", "func (w ZedInEnv) First(s string) error", "func OnZedWorkflow(", "func OnAActivity("} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("no %q in:\n%s", want, first)
		}
	}
	if src, errs := TestFile(&model.Package{Path: "example.com/p", Name: "p"}); src != nil || errs != nil {
		t.Errorf("empty package: %q, %v", src, errs)
	}

	p := testPackage()
	p.Declared = []model.Ident{{Name: "ZedHandle", Pos: model.Pos{File: "/src/p/other.go", Line: 3, Col: 6}}, {Name: "OnBActivity", Pos: model.Pos{File: "/src/p/other.go", Line: 5, Col: 6}}}
	p.Workflows[0].Signals[0].GoName = "Execute"
	src, errs := TestFile(p)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"/src/p/p.go:12:6: signal Execute of workflow Zed: generated method ZedInEnv.Execute collides with the method every ZedInEnv has: rename the Go method and keep the registered name with name=Execute",
		"/src/p/p.go:30:6: generated OnBActivity for activity B collides with OnBActivity declared at other.go:5:6: rename one of them",
	}
	if src != nil || !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func nexusPackage() *model.Package {
	pos := func(line int) model.Pos { return model.Pos{File: "/src/p/p.go", Line: line, Col: 6} }
	return &model.Package{
		Path: "example.com/p", Name: "p", Dir: "/src/p", Pos: pos(1),
		NexusServices: []model.NexusService{
			{GoName: "Text", Name: "text", Interface: true, Pos: pos(10), Operations: []model.NexusOperation{
				{GoName: "Upper", Name: "upper", Input: model.Param{Name: "s", Type: str()}, Result: ptr(str()), Pos: pos(12)},
				{GoName: "Drop", Name: "Drop", Input: model.Param{Name: "s", Type: str()}, Pos: pos(13)},
			}},
		},
	}
}

// TestNexusOnly renders a package with only a Nexus service: a client and
// RegisterTextNexus, no Register (nothing else to register), operations
// sorted, and test helpers.
func TestNexusOnly(t *testing.T) {
	src, errs := File(nexusPackage())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	s := string(src)
	for _, want := range []string{
		"func NewTextNexusClient(endpoint string) TextNexusClient {",
		"func (c TextNexusClient) Upper(ctx workflow.Context, opts workflow.NexusOperationOptions, s string) workflow.NexusOperationHandle[string] {",
		"func (c TextNexusClient) Drop(ctx workflow.Context, opts workflow.NexusOperationOptions, s string) workflow.NexusOperationHandle[struct{}] {",
		"func RegisterTextNexus(w NexusRegistrar, impl Text) error {",
		"worker.NexusSyncOperation[string, string](impl.Upper)",
		"var text Text",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}
	if strings.Contains(s, "func Register(") || strings.Contains(s, "WorkflowRegistrar") {
		t.Errorf("a Nexus-only package has no Register:\n%s", s)
	}
	if d, u := strings.Index(s, ") Drop("), strings.Index(s, ") Upper("); d < 0 || d > u {
		t.Errorf("operations not sorted: Drop at %d, Upper at %d", d, u)
	}
	test, errs := TestFile(nexusPackage())
	if len(errs) > 0 || !bytes.Contains(test, []byte("func OnTextNexusDrop(env *testsuite.Env, fn func(ctx context.Context, s string) error) *testsuite.Mock {")) {
		t.Errorf("test helpers (%v):\n%s", errs, test)
	}
}

func TestNexusCollisions(t *testing.T) {
	p := nexusPackage()
	p.Declared = []model.Ident{{Name: "RegisterTextNexus", Pos: model.Pos{File: "/src/p/other.go", Line: 3, Col: 6}}}
	p.NexusServices[0].Operations[1].GoName = "Untyped"
	_, errs := File(p)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"/src/p/p.go:10:6: generated RegisterTextNexus for Nexus service Text collides with RegisterTextNexus declared at other.go:3:6: rename one of them",
		"/src/p/p.go:13:6: operation Untyped of Nexus service Text: generated method TextNexusClient.Untyped collides with the method every TextNexusClient has: rename the Go method and keep the registered name with name=Untyped",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	q := nexusPackage()
	q.NexusServices[0].Operations[1].GoName = "Upper2"
	q.Declared = []model.Ident{{Name: "OnTextNexusUpper2", Pos: model.Pos{File: "/src/p/other.go", Line: 7, Col: 6}}}
	_, errs = TestFile(q)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "generated OnTextNexusUpper2 for operation Upper2 of Nexus service Text collides") {
		t.Errorf("test helper collision: %v", errs)
	}
}
