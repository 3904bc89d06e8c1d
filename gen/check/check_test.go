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

func TestNexusModel(t *testing.T) {
	m, errs := checkSource(t, header+`
type Order struct{ ID string }

//temporal:nexus name=billing
type Billing interface {
	// Charge charges.
	Charge(ctx context.Context, o Order) (time.Duration, error)
	//temporal:operation name=refund-all
	Refund(ctx context.Context, ids []string) error
}

//temporal:nexus
type Shop struct{ n int }

//temporal:operation name=buy
func (s *Shop) Buy(ctx context.Context, o *Order) (Order, error) { return *o, nil }

func (s Shop) Count(ctx context.Context, n int) (int, error) { return n, nil }

func (s *Shop) Helper() int { return s.n }

func (s *Shop) internal(ctx context.Context, n int) error { return nil }
`)
	if len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	if len(m.NexusServices) != 2 {
		t.Fatalf("services: %+v", m.NexusServices)
	}
	b, s := m.NexusServices[0], m.NexusServices[1]
	if b.GoName != "Billing" || b.Name != "billing" || !b.Interface || len(b.Operations) != 2 {
		t.Fatalf("Billing: %+v", b)
	}
	if op := b.Operations[0]; op.GoName != "Charge" || op.Name != "Charge" || op.Input.Name != "o" || op.Input.Type.Name != "Order" ||
		op.Result == nil || op.Result.ImportPath != "time" {
		t.Errorf("Charge: %+v", op)
	}
	if op := b.Operations[1]; op.Name != "refund-all" || op.Result != nil || op.Input.Type.Kind != model.Slice {
		t.Errorf("Refund: %+v", op)
	}
	if s.Name != "Shop" || s.Interface || len(s.Operations) != 2 || s.Operations[0].Name != "buy" || s.Operations[1].GoName != "Count" {
		t.Errorf("Shop: %+v", s)
	}
	if s.Operations[0].Input.Type.Kind != model.Pointer || s.Operations[0].Pos.Line != 30 {
		t.Errorf("Buy: %+v", s.Operations[0])
	}
	var paths []string
	for _, im := range m.Imports {
		paths = append(paths, im.Path)
	}
	if got := strings.Join(paths, " "); got != "time" {
		t.Errorf("imports = %s", got)
	}
}

func TestNexusErrors(t *testing.T) {
	_, errs := checkSource(t, header+`
type Order struct{ ID string }

//temporal:nexus
type A interface {
	NoInput(ctx context.Context) (int, error)
	TwoInputs(ctx context.Context, a, b int) (int, error)
	NoContext(o Order) (int, error)
	WorkflowCtx(ctx workflow.Context, o Order) (int, error)
	NoError(ctx context.Context, o Order) int
	Chan(ctx context.Context, c chan int) error
	lower(ctx context.Context, o Order) error
	//temporal:operation name=same
	One(ctx context.Context, o Order) error
	//temporal:operation name=same
	Two(ctx context.Context, o Order) error
	context.Context
}

//temporal:nexus name=svc
type B struct{}

//temporal:operation
func (b *B) Marked(n int) error { return nil }

//temporal:operation
func (b *B) hidden(ctx context.Context, n int) error { return nil }

func (b *B) Variadic(ctx context.Context, n ...int) error { return nil }

//temporal:nexus name=svc2
type C struct{}

func (c *C) Op(ctx context.Context, n int) error { return nil }

//temporal:nexus name=svc2
type D struct{}

func (d *D) Op(ctx context.Context, n int) error { return nil }

//temporal:nexus
type Empty struct{}

func (e Empty) NotAnOp() {}

type Plain struct{}

//temporal:operation
func (p *Plain) Op(ctx context.Context, n int) error { return nil }

//temporal:nexus
type G[T any] interface{ Op(ctx context.Context, in T) error }
`)
	want := []string{
		"p.go:20:29: Nexus operation A.NoInput takes no input: an operation takes exactly one after its context.Context",
		"p.go:21:36: Nexus operation A.TwoInputs takes 2 inputs: an operation takes exactly one after its context.Context (use a struct)",
		"p.go:22:12: Nexus operation A.NoContext must take a context.Context as its first parameter",
		"p.go:23:14: Nexus operation A.WorkflowCtx must take a context.Context as its first parameter, not workflow.Context",
		"p.go:24:40: Nexus operation A.NoError must return error or (R, error), not int",
		"p.go:25:30: parameter c of Nexus operation A.Chan has type chan int, which cannot be encoded: it is a channel",
		"p.go:26:2: method lower of Nexus service A is unexported: operations are exported methods",
		`p.go:29:28: duplicate operation name "same" in Nexus service A: One already uses it`,
		"p.go:31:2: Nexus service A embeds context.Context: list its operations in A itself",
		"p.go:38:20: Nexus operation B.Marked must take a context.Context as its first parameter",
		"p.go:41:13: //temporal:operation method hidden of Nexus service B is unexported: operations are exported methods",
		"p.go:43:45: parameter n of Nexus operation B.Variadic is variadic",
		`p.go:50:23: duplicate Nexus service name "svc2" in package p: C already uses it`,
		"p.go:56:6: Nexus service Empty has no exported method with a context.Context first parameter: it declares no operations",
		"p.go:63:17: //temporal:operation method Op is declared on Plain, which is not a Nexus service: add //temporal:nexus above type Plain",
		"p.go:66:7: Nexus service G is generic: type parameters are not supported",
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
