package check

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen/model"
)

// stub returns a minimal version of a runtime package that signatures are
// checked against, type-checked from source for these unit tests.
func stub(path string) (string, bool) {
	switch path {
	case WorkflowPkg:
		return "package workflow\n\ntype Context interface{ Err() error }\n", true
	case ConverterPkg:
		return "package converter\n\ntype Values struct{ n int }\n", true
	}
	return "", false
}

type stubImporter struct {
	fset *token.FileSet
	std  types.Importer
	pkgs map[string]*types.Package
}

func (im *stubImporter) Import(path string) (*types.Package, error) {
	if p, ok := im.pkgs[path]; ok {
		return p, nil
	}
	src, ok := stub(path)
	if !ok {
		return im.std.Import(path)
	}
	f, err := parser.ParseFile(im.fset, path+"/stub.go", src, 0)
	if err != nil {
		return nil, err
	}
	p, err := (&types.Config{Importer: im}).Check(path, im.fset, []*ast.File{f}, nil)
	if err != nil {
		return nil, err
	}
	im.pkgs[path] = p
	return p, nil
}

// checkSource type-checks src as package example.com/p and runs Package.
func checkSource(t *testing.T, src string) (*model.Package, []string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	im := &stubImporter{fset: fset, std: importer.ForCompiler(fset, "source", nil), pkgs: map[string]*types.Package{}}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, err := (&types.Config{Importer: im}).Check("example.com/p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	m, errs := Package(fset, []*ast.File{f}, pkg, info)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return m, msgs
}

const header = `package p

import (
	"context"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var _ converter.Values
var _ time.Duration
var _ context.Context
var _ workflow.Context
`

func TestPackageModel(t *testing.T) {
	m, errs := checkSource(t, header+`
type In struct{ D time.Duration }

type Page[T any] struct{ Items []T }

//temporal:workflow name=greeter task_queue=q versioning=auto_upgrade sandboxed=false
type G struct{}

//temporal:run
func (g G) Run(ctx workflow.Context, in In, ids map[string][]*In) (Page[int], error) { return Page[int]{}, nil }

//temporal:signal name=add unfinished=abandon description="add one"
func (g *G) Add(ctx workflow.Context, n [3]int) error { return nil }

//temporal:query dynamic
func (g *G) Any(name string, args converter.Values) (any, error) { return nil, nil }

//temporal:update validator=Check
func (g *G) Set(ctx workflow.Context, v string) (int, error) { return 0, nil }

func (g *G) Check(v string) error { return nil }

//temporal:activity name=compose
func Compose(ctx context.Context, d time.Duration) error { return nil }
`)
	if len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	if len(m.Workflows) != 1 || len(m.Activities) != 1 {
		t.Fatalf("model: %+v", m)
	}
	wf := m.Workflows[0]
	if wf.Name != "greeter" || wf.TaskQueue != "q" || wf.Versioning != model.VersioningAutoUpgrade || wf.Sandboxed {
		t.Errorf("workflow options: %+v", wf)
	}
	if wf.Run.PointerReceiver || !wf.Run.HasContext || !wf.Run.ReturnsError || len(wf.Run.Params) != 2 {
		t.Errorf("run: %+v", wf.Run)
	}
	if got := wf.Run.Params[1].Type.String; got != "map[string][]*In" {
		t.Errorf("param type string = %q", got)
	}
	if r := wf.Run.Result; r == nil || r.Kind != model.Named || r.Name != "Page" || len(r.Args) != 1 || r.Args[0].Name != "int" {
		t.Errorf("run result: %+v", r)
	}
	s := wf.Signals[0]
	if s.Name != "add" || s.Unfinished != model.UnfinishedAbandon || s.Description != "add one" || s.Params[0].Type.Kind != model.Array || s.Params[0].Type.Len != 3 {
		t.Errorf("signal: %+v", s)
	}
	q := wf.Queries[0]
	if !q.Dynamic || q.Name != "" || q.HasContext || len(q.Params) != 2 || q.Params[1].Type.ImportPath != ConverterPkg {
		t.Errorf("dynamic query: %+v", q)
	}
	u := wf.Updates[0]
	if u.Validator == nil || u.Validator.GoName != "Check" || u.Result.Name != "int" {
		t.Errorf("update: %+v", u)
	}
	if a := m.Activities[0]; a.Name != "compose" || a.GoName != "Compose" || a.Params[0].Type.ImportPath != "time" {
		t.Errorf("activity: %+v", a)
	}
	var paths []string
	for _, im := range m.Imports {
		paths = append(paths, im.Path)
	}
	if got := strings.Join(paths, " "); got != ConverterPkg+" time" {
		t.Errorf("imports = %s", got)
	}
}

func TestPackageErrorsAreSortedAndComplete(t *testing.T) {
	_, errs := checkSource(t, header+`
//temporal:workflow
type A struct{}

//temporal:signal
func (a *A) S(ctx workflow.Context, c chan int) {}

//temporal:workflow
type B struct{}

//temporal:run
func (b *B) Run(ctx workflow.Context) error { return nil }

//temporal:query
func (b *B) Q(ctx workflow.Context) (int, error) { return 0, nil }
`)
	want := []string{
		"p.go:17:6: workflow A has no //temporal:run method",
		"p.go:20:39: parameter c of signal handler S has type chan int, which cannot be encoded: it is a channel",
		"p.go:29:15: query handlers cannot block: remove the workflow.Context parameter",
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(errs), len(want), strings.Join(errs, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %d:\n got %s\nwant %s...", i, errs[i], want[i])
		}
	}
}

func TestUnencodable(t *testing.T) {
	_, errs := checkSource(t, header+`
type Node struct {
	Next     *Node
	Children map[string]Node
	When     time.Time
}

type Bad struct{ F func() }

type Text struct{ k int }

func (Text) MarshalText() ([]byte, error) { return nil, nil }

//temporal:activity
func Ok(ctx context.Context, n Node, byText map[Text]int, e error) error { return nil }
`)
	// Recursive types and time.Time are fine; error is an interface.
	if len(errs) != 1 || !strings.Contains(errs[0], "parameter e of activity Ok has type error, which cannot be encoded: it is the interface error") {
		t.Errorf("errors: %q", errs)
	}
}
