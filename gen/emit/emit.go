// Package emit is temporalgen's last stage: it renders the plain model of
// a package (gen/model) as Go source with github.com/dave/jennifer. It
// sees nothing but the model.
//
// [File] returns one gofmt'ed file per package. Everything in it is sorted
// (workflows, handlers, Nexus services and operations by Go name,
// activities by receiver and Go name),
// so the same model always gives the same bytes. For a workflow X with
// signal S, query Q and update U, and an activity A, the file declares:
//
//	XWorkflowName, XSQueryName, ...   registered names, as constants
//	XTaskQueue                        the task_queue= option, if set
//	StartX, GetX, ExecuteX            client: typed start, attach, start-and-wait
//	XScheduleAction, ScheduleX        client: typed schedule action, create a schedule
//	SignalWithStartXS                 client: signal-with-start
//	UpdateWithStartXU                 client: update-with-start
//	XHandle                           client: S(ctx, ...) error, Q(ctx, ...) (R, error),
//	                                  U(ctx, ...) (R, error), StartU, GetU, Result,
//	                                  Cancel, Terminate, Describe, ID, RunID, Untyped
//	XUHandle                          client: a typed update handle, Get(ctx) (R, error)
//	AActivity, ALocalActivity         workflow side: typed activity calls
//	StartXChild, XChild               workflow side: typed child workflow
//	GetXExternal, XExternal           workflow side: typed external workflow
//	ContinueAsNewX                    workflow side: typed continue-as-new
//	RegisterX, RegisterWorkflows,     registration with a worker (or replayer),
//	RegisterActivities, Register      through the Registrar interfaces
//
// and for a Nexus service N (a //temporal:nexus struct or interface) with
// operation Op:
//
//	NNexusServiceName,                the service and operation names, as constants
//	NOpNexusOperationName
//	NNexusClient, NewNNexusClient     workflow side: Op(ctx, opts, in) returns a
//	                                  workflow.NexusOperationHandle[O];
//	                                  WithDataConverter(dc), Untyped
//	RegisterNNexus(w, impl)           serves every operation from impl (*N for a
//	                                  struct, an N for an interface) through
//	                                  NexusRegistrar, as synchronous operations
//
// and a func _() of compile-time guards that assigns every annotated method
// and function to a variable of the signature the generated code was made
// for, so that a changed signature breaks the build of stale output.
//
// Register does not include Nexus services: their implementations are
// passed to RegisterNNexus, and a package with only Nexus services has no
// Register. Operation stubs take (ctx, opts, in) like activity stubs, and
// return the handle rather than a future, because a Nexus operation's
// start (Started) and cancellation are part of calling it.
//
// Schedules get two helpers per workflow rather than a typed schedule
// handle, because only a schedule's action depends on the workflow:
// XScheduleAction(opts, in) fills a client.ScheduleWorkflowAction with X's
// workflow type and the typed input (and the task_queue= default), for
// client.ScheduleOptions.Action and for the schedule a
// client.ScheduleHandle.Update callback returns; ScheduleX(ctx, c, opts,
// in) creates the schedule in one call, as StartX starts one workflow,
// taking the action's other options from opts.Action. Everything else
// (Describe, Pause, Trigger, Backfill, Delete) is the untyped
// client.ScheduleHandle; a described action decodes into X's input type
// with DecodeArgs.
//
// The registered workflow function is a dispatch table without reflection:
// it decodes each payload straight into its declared parameter type with
// converter.Values.Get, creates the workflow struct, calls init, sets the
// handlers, yields once (so that signals sent with the start are handled
// first) and calls run. A signal whose arguments cannot be decoded is
// logged as a warning and dropped; a query or update whose arguments cannot
// be decoded fails with the decoding error; workflow and activity inputs
// that cannot be decoded fail with a non-retryable ApplicationError of type
// "ArgumentDecodeError".
//
// [TestFile] renders the package's typed test helpers on runtime/testsuite
// (XInEnv, OnXWorkflow, OnAActivity), for a _test.go file beside the code:
// they are compiled into the package's tests, never into a binary, and
// being in package p itself they serve its external p_test tests too.
// Their names are checked like File's against the package's declarations
// and the generated code; declarations in the package's own _test.go
// files are not loaded, so a clash with one of those is the compiler's
// to report.
//
// Generated identifiers must not collide with each other or with the
// package's declarations ([model.Package].Declared); File reports every
// collision at the position of the element that caused it.
package emit

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Header is the comment that starts every generated file.
const Header = model.GeneratedHeader

// Import paths that generated code refers to.
const (
	clientPkg    = "github.com/temporalgen/temporalgen/runtime/client"
	converterPkg = "github.com/temporalgen/temporalgen/runtime/converter"
	temporalPkg  = "github.com/temporalgen/temporalgen/runtime/temporal"
	workerPkg    = "github.com/temporalgen/temporalgen/runtime/worker"
	workflowPkg  = "github.com/temporalgen/temporalgen/runtime/workflow"
	commonPkg    = "go.temporal.io/api/common/v1"
)

// runtimeImports returns the packages generated code may use, with the
// names it prefers for them, in the order names are assigned.
func runtimeImports() []model.Import {
	return []model.Import{
		{Path: "context", Name: "context"},
		{Path: "errors", Name: "errors"},
		{Path: "fmt", Name: "fmt"},
		{Path: commonPkg, Name: "commonpb"},
		{Path: clientPkg, Name: "client"},
		{Path: converterPkg, Name: "converter"},
		{Path: temporalPkg, Name: "temporal"},
		{Path: workerPkg, Name: "worker"},
		{Path: workflowPkg, Name: "workflow"},
	}
}

// File renders the generated file of pkg. It returns the errors that
// prevent generating it (name collisions) instead, if any.
func File(pkg *model.Package) ([]byte, []error) {
	p := sorted(pkg)
	if errs := checkNames(p); len(errs) > 0 {
		return nil, model.SortErrors(errs)
	}
	e := newEmitter(p)
	e.constants()
	for i := range p.Workflows {
		wf := &p.Workflows[i]
		e.client(wf)
		e.workflowSide(wf)
	}
	for i := range p.Activities {
		e.activityStubs(&p.Activities[i])
	}
	for i := range p.NexusServices {
		e.nexusClient(&p.NexusServices[i])
	}
	e.registration()
	e.nexusRegistration()
	e.guards()
	var buf bytes.Buffer
	if err := e.f.Render(&buf); err != nil {
		// The model produced code that does not parse: a bug here.
		panic(fmt.Sprintf("emit: package %s: %v", p.Path, err))
	}
	return buf.Bytes(), nil
}

// sorted returns a copy of pkg with workflows, handlers, activities, Nexus
// services and operations in emission order.
func sorted(pkg *model.Package) *model.Package {
	p := *pkg
	p.Workflows = slices.Clone(pkg.Workflows)
	slices.SortStableFunc(p.Workflows, func(a, b model.Workflow) int { return strings.Compare(a.GoName, b.GoName) })
	byName := func(a, b model.Handler) int { return strings.Compare(a.GoName, b.GoName) }
	for i := range p.Workflows {
		wf := &p.Workflows[i]
		wf.Signals = slices.Clone(wf.Signals)
		wf.Queries = slices.Clone(wf.Queries)
		wf.Updates = slices.Clone(wf.Updates)
		slices.SortStableFunc(wf.Signals, byName)
		slices.SortStableFunc(wf.Queries, byName)
		slices.SortStableFunc(wf.Updates, byName)
	}
	p.Activities = slices.Clone(pkg.Activities)
	slices.SortStableFunc(p.Activities, func(a, b model.Activity) int {
		return cmp.Or(strings.Compare(a.Receiver, b.Receiver), strings.Compare(a.GoName, b.GoName))
	})
	p.NexusServices = slices.Clone(pkg.NexusServices)
	slices.SortStableFunc(p.NexusServices, func(a, b model.NexusService) int { return strings.Compare(a.GoName, b.GoName) })
	for i := range p.NexusServices {
		s := &p.NexusServices[i]
		s.Operations = slices.Clone(s.Operations)
		slices.SortStableFunc(s.Operations, func(a, b model.NexusOperation) int { return strings.Compare(a.GoName, b.GoName) })
	}
	return &p
}

// emitter renders one package.
type emitter struct {
	p *model.Package
	f *jen.File
	// reserved are the names locals must not take: predeclared and
	// package-level identifiers and import names.
	reserved map[string]bool
}

func newEmitter(p *model.Package) *emitter {
	e := &emitter{p: p, f: jen.NewFilePathName(p.Path, p.Name), reserved: universe()}
	e.f.HeaderComment(Header)
	for _, d := range p.Declared {
		e.reserved[d.Name] = true
	}
	for _, id := range allIdents(p) {
		e.reserved[id] = true
	}
	// Import names: the runtime's first, then the model's, each renamed
	// if a declaration or an earlier import took its name.
	seen := make(map[string]bool)
	for _, imp := range append(runtimeImports(), p.Imports...) {
		if seen[imp.Path] {
			continue
		}
		seen[imp.Path] = true
		name := imp.Name
		for i := 2; e.reserved[name]; i++ {
			name = fmt.Sprintf("%s%d", imp.Name, i)
		}
		e.reserved[name] = true
		if name == imp.Name && imp.Path != commonPkg {
			e.f.ImportName(imp.Path, name)
		} else {
			e.f.ImportAlias(imp.Path, name)
		}
	}
	return e
}

// allIdents lists the package-level identifiers File declares for p.
func allIdents(p *model.Package) []string {
	var ids []string
	for i := range p.Workflows {
		wf := &p.Workflows[i]
		ids = append(ids, workflowNameConst(wf), taskQueueConst(wf), handleType(wf), childType(wf), externalType(wf),
			startFunc(wf), getFunc(wf), executeFunc(wf), startChildFunc(wf), getExternalFunc(wf), continueAsNewFunc(wf), registerFunc(wf),
			scheduleFunc(wf), scheduleActionFunc(wf))
		for _, h := range handlers(wf) {
			ids = append(ids, handlerNameConst(wf, h), signalWithStartFunc(wf, h), updateWithStartFunc(wf, h), updateHandleType(wf, h))
		}
	}
	for i := range p.Activities {
		a := &p.Activities[i]
		ids = append(ids, activityNameConst(a), activityFunc(a), localActivityFunc(a))
	}
	ids = append(ids, nexusIdents(p)...)
	return append(ids, workflowRegistrar, activityRegistrar, registrar, registerAll, registerWorkflows, registerActivities, nexusRegistrar)
}

// scope returns a fresh scope for the locals of one function.
func (e *emitter) scope() *scope { return newScope(e.reserved) }

// typ renders t.
func typ(t model.TypeRef) jen.Code {
	switch t.Kind {
	case model.Named:
		q := jen.Qual(t.ImportPath, t.Name)
		if len(t.Args) > 0 {
			var args []jen.Code
			for _, a := range t.Args {
				args = append(args, typ(a))
			}
			q = q.Types(args...)
		}
		return q
	case model.Pointer:
		return jen.Op("*").Add(typ(*t.Elem))
	case model.Slice:
		return jen.Index().Add(typ(*t.Elem))
	case model.Array:
		return jen.Index(jen.Lit(int(t.Len))).Add(typ(*t.Elem))
	case model.Map:
		return jen.Map(typ(*t.Key)).Add(typ(*t.Elem))
	}
	return jen.Id(t.Name) // Basic, TypeParam
}

// resultType renders the result of a method, or struct{} without one.
func resultType(r *model.TypeRef) jen.Code {
	if r == nil {
		return jen.Struct()
	}
	return typ(*r)
}

// typeString is t as written in the package, for messages.
func typeString(t model.TypeRef) string { return t.String }

// Runtime identifiers.
func ctxType() *jen.Statement              { return jen.Qual("context", "Context") }
func wfCtxType() *jen.Statement            { return jen.Qual(workflowPkg, "Context") }
func clientQual(n string) *jen.Statement   { return jen.Qual(clientPkg, n) }
func workflowQual(n string) *jen.Statement { return jen.Qual(workflowPkg, n) }

// param is a parameter of a generated function.
type param struct {
	name     string
	typ      model.TypeRef
	variadic bool // args ...any: a dynamic workflow's arguments, on the client side
	slice    bool // the same as args []any, where other parameters follow
}

// asSlice turns a variadic parameter of ps into a []any one, for
// functions with parameters after it.
func asSlice(ps []param) []param {
	for i := range ps {
		if ps[i].variadic {
			ps[i].variadic, ps[i].slice = false, true
		}
	}
	return ps
}

// startParams names the parameters callers pass to start wf: the run's,
// or for a dynamic workflow (whose run takes converter.Values) any
// arguments, args ...any, encoded one payload each.
func startParams(s *scope, wf *model.Workflow) []param {
	if wf.Dynamic {
		return []param{{name: s.name("args"), variadic: true}}
	}
	return params(s, wf.Run.Params)
}

// params names ps in s.
func params(s *scope, ps []model.Param) []param {
	out := make([]param, len(ps))
	for i, p := range ps {
		out[i] = param{name: s.name(p.Name), typ: p.Type}
	}
	return out
}

// decls renders ps as parameter declarations.
func decls(ps []param) []jen.Code {
	var out []jen.Code
	for _, p := range ps {
		switch {
		case p.variadic:
			out = append(out, jen.Id(p.name).Op("...").Any())
		case p.slice:
			out = append(out, jen.Id(p.name).Index().Any())
		default:
			out = append(out, jen.Id(p.name).Add(typ(p.typ)))
		}
	}
	return out
}

// ids renders the names of ps.
func ids(ps []param) []jen.Code {
	var out []jen.Code
	for _, p := range ps {
		if p.variadic || p.slice {
			out = append(out, jen.Id(p.name).Op("..."))
			continue
		}
		out = append(out, jen.Id(p.name))
	}
	return out
}

// comment renders text (a sentence or two) as // comment lines.
func comment(text string) *jen.Statement {
	s := jen.Null()
	for i, l := range strings.Split(wrap(text), "\n") {
		if i > 0 {
			s.Line()
		}
		s.Comment(l)
	}
	return s
}

func wrap(text string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > 76 {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}
