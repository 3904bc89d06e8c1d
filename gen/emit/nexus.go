package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Names of the identifiers generated for a Nexus service X with operation
// Op.
func nexusServiceConst(s *model.NexusService) string  { return s.GoName + "NexusServiceName" }
func nexusClientType(s *model.NexusService) string    { return s.GoName + "NexusClient" }
func newNexusClientFunc(s *model.NexusService) string { return "New" + s.GoName + "NexusClient" }
func registerNexusFunc(s *model.NexusService) string  { return "Register" + s.GoName + "Nexus" }

func nexusOpConst(s *model.NexusService, op *model.NexusOperation) string {
	return s.GoName + op.GoName + "NexusOperationName"
}

func nexusMockFunc(s *model.NexusService, op *model.NexusOperation) string {
	return "On" + s.GoName + "Nexus" + op.GoName
}

// nexusRegistrar is the interface RegisterXNexus functions take.
const nexusRegistrar = "NexusRegistrar"

// nexusClientMethods are the fixed methods of every XNexusClient.
func nexusClientMethods() []string { return []string{"WithDataConverter", "Untyped"} }

// nexusWhat names service s in messages.
func nexusWhat(s *model.NexusService) string { return "Nexus service " + s.GoName }

// nexusOpWhat names operation op of s in messages.
func nexusOpWhat(s *model.NexusService, op *model.NexusOperation) string {
	return fmt.Sprintf("operation %s of Nexus service %s", op.GoName, s.GoName)
}

// nexusNames records the identifiers File declares for the Nexus
// services of p.
func nexusNames(c *collisions, p *model.Package) {
	for i := range p.NexusServices {
		s := &p.NexusServices[i]
		o := origin{what: nexusWhat(s), pos: s.Pos}
		for _, id := range []string{nexusServiceConst(s), nexusClientType(s), newNexusClientFunc(s), registerNexusFunc(s)} {
			c.add("", id, o)
		}
		for _, m := range nexusClientMethods() {
			c.add(nexusClientType(s), m, origin{what: o.what, pos: o.pos, fixed: true})
		}
		for j := range s.Operations {
			op := &s.Operations[j]
			oo := origin{what: nexusOpWhat(s, op), pos: op.Pos}
			c.add("", nexusOpConst(s, op), oo)
			c.add(nexusClientType(s), op.GoName, oo)
		}
	}
}

// nexusTestNames records the test helpers TestFile declares for the
// Nexus services of p.
func nexusTestNames(c *collisions, p *model.Package) {
	for i := range p.NexusServices {
		s := &p.NexusServices[i]
		for j := range s.Operations {
			op := &s.Operations[j]
			c.add("", nexusMockFunc(s, op), origin{what: nexusOpWhat(s, op), pos: op.Pos})
		}
	}
}

// nexusIdents lists the identifiers File declares for the Nexus services
// of p, for the reserved names.
func nexusIdents(p *model.Package) []string {
	var ids []string
	for i := range p.NexusServices {
		s := &p.NexusServices[i]
		ids = append(ids, nexusServiceConst(s), nexusClientType(s), newNexusClientFunc(s), registerNexusFunc(s))
		for j := range s.Operations {
			ids = append(ids, nexusOpConst(s, &s.Operations[j]))
		}
	}
	return ids
}

// nexusConstants renders the service and operation name constants.
func (e *emitter) nexusConstants() []jen.Code {
	var defs []jen.Code
	for i := range e.p.NexusServices {
		s := &e.p.NexusServices[i]
		defs = append(defs, comment(fmt.Sprintf("%s is the name of Nexus service %s.", nexusServiceConst(s), s.GoName)),
			jen.Id(nexusServiceConst(s)).Op("=").Lit(s.Name))
		for j := range s.Operations {
			op := &s.Operations[j]
			defs = append(defs, comment(fmt.Sprintf("%s is the name of operation %s of Nexus service %s.", nexusOpConst(s, op), op.GoName, s.GoName)),
				jen.Id(nexusOpConst(s, op)).Op("=").Lit(op.Name))
		}
	}
	return defs
}

// nexusClient declares XNexusClient, NewXNexusClient and one method per
// operation.
func (e *emitter) nexusClient(s *model.NexusService) {
	t := nexusClientType(s)
	raw := func() *jen.Statement { return workflowQual("NexusClient") }
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s calls the operations of Nexus service %s (%s) behind one endpoint, from workflow code, with typed inputs and results.", t, quote(s.Name), s.GoName)))
	e.f.Type().Id(t).Struct(jen.Id("c").Add(raw()))

	ns := e.scope()
	endpoint := ns.name("endpoint")
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s returns a client for the operations of Nexus service %s behind the Nexus endpoint named endpoint.", newNexusClientFunc(s), s.GoName)))
	e.f.Func().Id(newNexusClientFunc(s)).Params(jen.Id(endpoint).String()).Id(t).Block(
		jen.Return(jen.Id(t).Values(jen.Dict{jen.Id("c"): workflowQual("NewNexusClient").Call(jen.Id(endpoint), jen.Id(nexusServiceConst(s)))})),
	)

	ms := e.scope()
	rv, dc := ms.name("c"), ms.name("dc")
	e.f.Line()
	e.f.Add(comment("WithDataConverter returns a copy of the client that encodes operation inputs and decodes results with dc instead of the workflow's data converter (the per-client serializer of workflow.NexusClient.DataConverter); nil means the workflow's."))
	e.f.Func().Params(jen.Id(rv).Id(t)).Id("WithDataConverter").Params(jen.Id(dc).Qual(converterPkg, "DataConverter")).Id(t).Block(
		jen.Id(rv).Dot("c").Dot("DataConverter").Op("=").Id(dc),
		jen.Return(jen.Id(rv)),
	)
	e.f.Line()
	e.f.Add(comment("Untyped returns the underlying workflow.NexusClient."))
	e.f.Func().Params(jen.Id(rv).Id(t)).Id("Untyped").Params().Add(raw()).Block(jen.Return(jen.Id(rv).Dot("c")))

	for i := range s.Operations {
		op := &s.Operations[i]
		sc := e.scope()
		in := params(sc, []model.Param{op.Input}) // first: the docs name it
		rv, ctx, opts := sc.name("c"), sc.name("ctx"), sc.name("opts")
		res := resultType(op.Result)
		result := "its result"
		if op.Result == nil {
			result = "its completion"
		}
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s starts operation %s of Nexus service %s with %s and returns its handle: Get waits for %s, and an operation that fails gives a *temporal.NexusOperationError whose Cause is the handler's error. Cancelling ctx cancels the operation according to opts.CancellationType.",
			op.GoName, quote(op.Name), quote(s.Name), in[0].name, result)))
		e.f.Func().Params(jen.Id(rv).Id(t)).Id(op.GoName).Params(append([]jen.Code{jen.Id(ctx).Add(wfCtxType()), jen.Id(opts).Add(workflowQual("NexusOperationOptions"))}, decls(in)...)...).
			Add(workflowQual("NexusOperationHandle").Types(res)).Block(
			jen.Return(workflowQual("StartNexusOperation").Types(res).Call(jen.Id(ctx), jen.Id(rv).Dot("c"), jen.Id(nexusOpConst(s, op)), jen.Id(in[0].name), jen.Id(opts))),
		)
	}
}

// implType renders the type RegisterXNexus takes: the interface itself,
// or a pointer to the struct.
func implType(s *model.NexusService) *jen.Statement {
	if s.Interface {
		return jen.Id(s.GoName)
	}
	return jen.Op("*").Id(s.GoName)
}

// nexusRegistration declares NexusRegistrar and RegisterXNexus for every
// service.
func (e *emitter) nexusRegistration() {
	if len(e.p.NexusServices) == 0 {
		return
	}
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s serves Nexus operations: *worker.Worker and *testsuite.Env implement it.", nexusRegistrar)))
	e.f.Type().Id(nexusRegistrar).Interface(
		jen.Id("RegisterNexusOperation").Params(jen.List(jen.Id("service"), jen.Id("operation")).String(), jen.Id("op").Qual(workerPkg, "NexusOperation")).Error(),
	)
	for i := range e.p.NexusServices {
		s := &e.p.NexusServices[i]
		sc := e.scope()
		w, impl, err := sc.name("w"), sc.name("impl"), sc.name("err")
		fn := registerNexusFunc(s)
		body := []jen.Code{jen.If(jen.Id(impl).Op("==").Nil()).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("%s.%s: %s is nil", e.p.Name, fn, impl)))))}
		for j := range s.Operations {
			op := &s.Operations[j]
			body = append(body, jen.If(
				jen.Id(err).Op(":=").Id(w).Dot("RegisterNexusOperation").Call(jen.Id(nexusServiceConst(s)), jen.Id(nexusOpConst(s, op)), e.nexusHandler(op, impl)),
				jen.Id(err).Op("!=").Nil(),
			).Block(jen.Return(jen.Id(err))))
		}
		body = append(body, jen.Return(jen.Nil()))
		how := "the methods of impl,"
		if s.Interface {
			how = "impl, an implementation of " + s.GoName + ","
		}
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s serves every operation of Nexus service %s from w with %s which must not be nil. The operations are synchronous: a *temporal.ApplicationError returned by a method fails the operation, other errors fail the request, which the server retries until the caller's ScheduleToCloseTimeout.", fn, quote(s.Name), how)))
		e.f.Func().Id(fn).Params(jen.Id(w).Id(nexusRegistrar), jen.Id(impl).Add(implType(s))).Error().Block(body...)
	}
}

// nexusHandler renders the worker.NexusOperation that runs op on the
// service value impl.
func (e *emitter) nexusHandler(op *model.NexusOperation, impl string) jen.Code {
	in := typ(op.Input.Type)
	if op.Result != nil {
		return jen.Qual(workerPkg, "NexusSyncOperation").Types(in, typ(*op.Result)).Call(jen.Id(impl).Dot(op.GoName))
	}
	sc := e.scope()
	sc.take(impl)
	ctx, arg := sc.name("ctx"), sc.name("in")
	return jen.Qual(workerPkg, "NexusSyncOperation").Types(in, jen.Struct()).Call(
		jen.Func().Params(jen.Id(ctx).Add(ctxType()), jen.Id(arg).Add(typ(op.Input.Type))).Params(jen.Struct(), jen.Error()).Block(
			jen.Return(jen.Struct().Values(), jen.Id(impl).Dot(op.GoName).Call(jen.Id(ctx), jen.Id(arg)))))
}

// nexusMocks declares the typed mocks of the operations of s.
func (e *emitter) nexusMocks(s *model.NexusService) {
	for i := range s.Operations {
		op := &s.Operations[i]
		sc := e.scope()
		in := params(sc, []model.Param{op.Input})
		env, fn, ctx := sc.name("env"), sc.name("fn"), sc.name("ctx")
		sig := append([]jen.Code{jen.Id(ctx).Add(ctxType())}, decls(in)...)
		f := nexusMockFunc(s, op)
		call := jen.Id(fn)
		if op.Result == nil {
			call = jen.Func().Params(append([]jen.Code{jen.Id(ctx).Add(ctxType())}, decls(in)...)...).Params(jen.Struct(), jen.Error()).Block(
				jen.Return(jen.Struct().Values(), jen.Id(fn).Call(jen.Id(ctx), jen.Id(in[0].name))))
		}
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s replaces operation %s of Nexus service %s (on any endpoint) with fn in env, also when %s registered it, and returns the mock, which counts calls and checks Times and AtLeastOnce when the test ends.",
			f, quote(op.Name), quote(s.Name), registerNexusFunc(s))))
		e.f.Func().Id(f).Params(jen.Id(env).Op("*").Add(tsQual("Env")), jen.Id(fn).Func().Params(sig...).Add(results(op.Result))).
			Op("*").Add(tsQual("Mock")).Block(
			jen.Return(tsQual("OnNexusOperation").Call(jen.Id(env), jen.Id(nexusServiceConst(s)), jen.Id(nexusOpConst(s, op)), call)))
	}
}
