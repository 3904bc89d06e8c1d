package emit

import (
	"bytes"
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// testsuitePkg is the in-process test environment the test helpers drive.
const testsuitePkg = "github.com/temporalgen/temporalgen/runtime/testsuite"

// Names of the test helpers.
func inEnvType(wf *model.Workflow) string        { return wf.GoName + "InEnv" }
func workflowMockFunc(wf *model.Workflow) string { return "On" + wf.GoName + "Workflow" }
func activityMockFunc(a *model.Activity) string  { return "On" + activityFunc(a) }

// inEnvFields are the fixed members of every XInEnv: its field and
// Execute.
func inEnvFields() []string { return []string{"Env", "Execute"} }

// TestFile renders the typed test helpers of pkg, for a _test.go file next
// to the generated code: they are compiled into the package's tests only,
// never into a binary. For a workflow X with signal S, query Q and update
// U, and an activity A, it declares:
//
//	XInEnv{Env}             Execute(opts, in...) (R, *testsuite.Result, error),
//	                        S(...) error, Q(...) (R, error), U(..., done func(R, error)) error
//	OnXWorkflow(env, fn)    a typed mock of X as a child workflow
//	OnAActivity(env, fn)    a typed mock of A
//	OnNNexusOp(env, fn)     a typed mock of operation Op of Nexus service N
//
// For a dynamic workflow, Execute and OnXWorkflow also take the workflow
// type to run or replace, as StartX does; its dynamic handlers have no
// typed method (use the Env's untyped calls). A mock whose fn has another
// signature does not compile. TestFile returns nil when pkg has nothing
// to test, and the errors when a helper's name is taken.
func TestFile(pkg *model.Package) ([]byte, []error) {
	p := sorted(pkg)
	if len(p.Workflows) == 0 && len(p.Activities) == 0 && len(p.NexusServices) == 0 {
		return nil, nil
	}
	if errs := checkTestNames(p); len(errs) > 0 {
		return nil, model.SortErrors(errs)
	}
	e := newEmitter(p)
	for i := range p.Workflows {
		e.reserved[inEnvType(&p.Workflows[i])] = true
		e.reserved[workflowMockFunc(&p.Workflows[i])] = true
	}
	for i := range p.Activities {
		e.reserved[activityMockFunc(&p.Activities[i])] = true
	}
	for i := range p.NexusServices {
		s := &p.NexusServices[i]
		for j := range s.Operations {
			e.reserved[nexusMockFunc(s, &s.Operations[j])] = true
		}
	}
	name := "testsuite"
	for i := 2; e.reserved[name]; i++ {
		name = fmt.Sprintf("testsuite%d", i)
	}
	if name == "testsuite" {
		e.f.ImportName(testsuitePkg, name)
	} else {
		e.f.ImportAlias(testsuitePkg, name)
	}
	e.reserved[name] = true
	for i := range p.Workflows {
		e.inEnv(&p.Workflows[i])
		e.workflowMock(&p.Workflows[i])
	}
	for i := range p.Activities {
		e.activityMock(&p.Activities[i])
	}
	for i := range p.NexusServices {
		e.nexusMocks(&p.NexusServices[i])
	}
	var buf bytes.Buffer
	if err := e.f.Render(&buf); err != nil {
		panic(fmt.Sprintf("emit: test helpers of package %s: %v", p.Path, err)) // a bug here
	}
	return buf.Bytes(), nil
}

func tsQual(n string) *jen.Statement { return jen.Qual(testsuitePkg, n) }

// results is the result list of a function returning r (if any) and error.
func results(r *model.TypeRef) jen.Code {
	if r == nil {
		return jen.Error()
	}
	return jen.Params(typ(*r), jen.Error())
}

// inEnv declares the typed driver of workflow wf in a testsuite.Env.
func (e *emitter) inEnv(wf *model.Workflow) {
	t := inEnvType(wf)
	e.f.Line()
	what := fmt.Sprintf("%s workflows (type %s)", wf.GoName, quote(wf.Name))
	if wf.Dynamic {
		what = fmt.Sprintf("workflows of the dynamic %s", wf.GoName)
	}
	e.f.Add(comment(fmt.Sprintf("%s drives %s in a testsuite.Env with typed arguments and results. Signals, queries and updates go to the workflow under test; send them from the Env's delayed or conditional callbacks.", t, what)))
	e.f.Type().Id(t).Struct(jen.Id("Env").Op("*").Add(tsQual("Env")))

	s := e.scope()
	rv, opts, res, out, err := s.name("w"), s.name("opts"), s.name("res"), s.name("out"), s.name("err")
	decl := []jen.Code{jen.Id(opts).Add(tsQual("StartOptions"))}
	wt := workflowType(wf, s, &decl)
	in := startParams(s, wf)
	call := jen.Id(rv).Dot("Env").Dot("ExecuteWorkflow").Call(append([]jen.Code{jen.Id(opts), wt}, ids(in)...)...)
	decl = append(decl, decls(in)...)
	e.f.Line()
	if wf.Run.Result == nil {
		e.f.Add(comment("Execute runs the workflow until it closes and returns how it ended; the Result holds its history." + dynamicDoc(wf)))
		e.f.Func().Params(jen.Id(rv).Id(t)).Id("Execute").Params(decl...).Params(jen.Op("*").Add(tsQual("Result")), jen.Error()).Block(
			jen.Id(res).Op(":=").Add(call),
			jen.Return(jen.Id(res), jen.Id(res).Dot("Err").Call()))
	} else {
		e.f.Add(comment("Execute runs the workflow until it closes and returns its result; the Result holds its history." + dynamicDoc(wf)))
		e.f.Func().Params(jen.Id(rv).Id(t)).Id("Execute").Params(decl...).Params(typ(*wf.Run.Result), jen.Op("*").Add(tsQual("Result")), jen.Error()).Block(
			jen.Id(res).Op(":=").Add(call),
			jen.Var().Id(out).Add(typ(*wf.Run.Result)),
			jen.Id(err).Op(":=").Id(res).Dot("Get").Call(jen.Op("&").Id(out)),
			jen.Return(jen.Id(out), jen.Id(res), jen.Id(err)))
	}

	for _, h := range handlers(wf) {
		if !h.Dynamic {
			e.handlerInEnv(wf, h, t)
		}
	}
}

// handlerInEnv declares the method of t that sends signal, query or
// update h to the workflow under test.
func (e *emitter) handlerInEnv(wf *model.Workflow, h *model.Handler, t string) {
	s := e.scope()
	rv := s.name("w")
	ps := params(s, h.Params)
	name := jen.Id(handlerNameConst(wf, h))
	env := jen.Id(rv).Dot("Env")
	e.f.Line()
	switch h.Kind {
	case model.SignalHandler:
		e.f.Add(comment(fmt.Sprintf("%s sends signal %s to the workflow under test.", h.GoName, h.Name)))
		e.f.Func().Params(jen.Id(rv).Id(t)).Id(h.GoName).Params(decls(ps)...).Error().Block(
			jen.Return(env.Dot("SignalWorkflow").Call(append([]jen.Code{name}, ids(ps)...)...)))
	case model.QueryHandler:
		v, err, out := s.name("v"), s.name("err"), s.name("out")
		e.f.Add(comment(fmt.Sprintf("%s queries %s, also after the workflow closed.", h.GoName, h.Name)))
		body := []jen.Code{
			jen.List(jen.Id(v), jen.Id(err)).Op(":=").Add(env.Dot("QueryWorkflow").Call(append([]jen.Code{name}, ids(ps)...)...)),
			jen.Var().Id(out).Add(resultType(h.Result)),
			jen.If(jen.Id(err).Op("==").Nil()).Block(jen.Id(err).Op("=").Id(v).Dot("Get").Call(jen.Lit(0), jen.Op("&").Id(out))),
			jen.Return(jen.Id(out), jen.Id(err)),
		}
		e.f.Func().Params(jen.Id(rv).Id(t)).Id(h.GoName).Params(decls(ps)...).Params(resultType(h.Result), jen.Error()).Block(body...)
	case model.UpdateHandler:
		done, v, err, out := s.name("done"), s.name("v"), s.name("err"), s.name("out")
		e.f.Add(comment(fmt.Sprintf("%s sends update %s to the workflow under test; done (which may be nil) receives its result, or the error of its handler, its validator or its rejection.", h.GoName, h.Name)))
		var doneType, onReject, onComplete jen.Code
		if h.Result == nil {
			doneType = jen.Func().Params(jen.Error())
			onReject = jen.Func().Params(jen.Id(err).Error()).Block(jen.If(jen.Id(done).Op("!=").Nil()).Block(jen.Id(done).Call(jen.Id(err))))
			onComplete = jen.Func().Params(jen.Id("_").Qual(converterPkg, "Values"), jen.Id(err).Error()).Block(
				jen.If(jen.Id(done).Op("!=").Nil()).Block(jen.Id(done).Call(jen.Id(err))))
		} else {
			doneType = jen.Func().Params(typ(*h.Result), jen.Error())
			onReject = jen.Func().Params(jen.Id(err).Error()).Block(jen.If(jen.Id(done).Op("!=").Nil()).Block(
				jen.Var().Id(out).Add(typ(*h.Result)),
				jen.Id(done).Call(jen.Id(out), jen.Id(err))))
			onComplete = jen.Func().Params(jen.Id(v).Qual(converterPkg, "Values"), jen.Id(err).Error()).Block(
				jen.Var().Id(out).Add(typ(*h.Result)),
				jen.If(jen.Id(err).Op("==").Nil()).Block(jen.Id(err).Op("=").Id(v).Dot("Get").Call(jen.Lit(0), jen.Op("&").Id(out))),
				jen.If(jen.Id(done).Op("!=").Nil()).Block(jen.Id(done).Call(jen.Id(out), jen.Id(err))))
		}
		cb := tsQual("UpdateCallbacks").Values(jen.Dict{jen.Id("OnReject"): onReject, jen.Id("OnComplete"): onComplete})
		e.f.Func().Params(jen.Id(rv).Id(t)).Id(h.GoName).Params(append(decls(ps), jen.Id(done).Add(doneType))...).Error().Block(
			jen.Return(env.Dot("UpdateWorkflow").Call(append([]jen.Code{name, jen.Lit(""), cb}, ids(ps)...)...)))
	}
}

// workflowMock declares the typed mock of wf as a child workflow.
func (e *emitter) workflowMock(wf *model.Workflow) {
	s := e.scope()
	env, fn, ctx := s.name("env"), s.name("fn"), s.name("ctx")
	ps := []jen.Code{jen.Id(env).Op("*").Add(tsQual("Env"))}
	wt := workflowType(wf, s, &ps)
	sig := append([]jen.Code{jen.Id(ctx).Add(wfCtxType())}, decls(params(s, wf.Run.Params))...)
	f := workflowMockFunc(wf)
	what := fmt.Sprintf("the %s child workflow (type %s)", wf.GoName, quote(wf.Name))
	if wf.Dynamic {
		what = fmt.Sprintf("the child workflow of type workflowType, which the dynamic %s would run,", wf.GoName)
	}
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s replaces %s with fn in env, and returns the mock, which counts calls and checks Times and AtLeastOnce when the test ends.", f, what)))
	e.f.Func().Id(f).Params(append(ps, jen.Id(fn).Func().Params(sig...).Add(results(wf.Run.Result)))...).
		Op("*").Add(tsQual("Mock")).Block(jen.Return(jen.Id(env).Dot("OnWorkflow").Call(wt, jen.Id(fn))))
}

// activityMock declares the typed mock of activity a.
func (e *emitter) activityMock(a *model.Activity) {
	s := e.scope()
	env, fn, ctx := s.name("env"), s.name("fn"), s.name("ctx")
	sig := append([]jen.Code{jen.Id(ctx).Add(ctxType())}, decls(params(s, a.Params))...)
	f := activityMockFunc(a)
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s replaces activity %s (type %s) with fn in env, as activity and local activity, and returns the mock, which counts calls and checks Times and AtLeastOnce when the test ends.", f, activityGoName(a), quote(a.Name))))
	e.f.Func().Id(f).Params(jen.Id(env).Op("*").Add(tsQual("Env")), jen.Id(fn).Func().Params(sig...).Add(results(a.Result))).
		Op("*").Add(tsQual("Mock")).Block(jen.Return(jen.Id(env).Dot("OnActivity").Call(jen.Id(activityNameConst(a)), jen.Id(fn))))
}
