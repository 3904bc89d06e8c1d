package emit

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"unicode"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Names of generated identifiers. They are pure functions of Go names, so
// that the collision check and emission agree.

func workflowNameConst(wf *model.Workflow) string { return wf.GoName + "WorkflowName" }
func taskQueueConst(wf *model.Workflow) string    { return wf.GoName + "TaskQueue" }
func handleType(wf *model.Workflow) string        { return wf.GoName + "Handle" }
func childType(wf *model.Workflow) string         { return wf.GoName + "Child" }
func externalType(wf *model.Workflow) string      { return wf.GoName + "External" }
func startFunc(wf *model.Workflow) string         { return "Start" + wf.GoName }
func getFunc(wf *model.Workflow) string           { return "Get" + wf.GoName }
func executeFunc(wf *model.Workflow) string       { return "Execute" + wf.GoName }
func startChildFunc(wf *model.Workflow) string    { return "Start" + wf.GoName + "Child" }
func getExternalFunc(wf *model.Workflow) string   { return "Get" + wf.GoName + "External" }
func continueAsNewFunc(wf *model.Workflow) string { return "ContinueAsNew" + wf.GoName }
func registerFunc(wf *model.Workflow) string      { return "Register" + wf.GoName }
func scheduleFunc(wf *model.Workflow) string      { return "Schedule" + wf.GoName }
func scheduleActionFunc(wf *model.Workflow) string {
	return wf.GoName + "ScheduleAction"
}

func handlerNameConst(wf *model.Workflow, h *model.Handler) string {
	return wf.GoName + h.GoName + kindWord(h.Kind) + "Name"
}

func signalWithStartFunc(wf *model.Workflow, h *model.Handler) string {
	return "SignalWithStart" + wf.GoName + h.GoName
}

func updateWithStartFunc(wf *model.Workflow, h *model.Handler) string {
	return "UpdateWithStart" + wf.GoName + h.GoName
}

func updateHandleType(wf *model.Workflow, h *model.Handler) string {
	return wf.GoName + h.GoName + "Handle"
}

func activityNameConst(a *model.Activity) string { return a.GoName + "ActivityName" }
func activityFunc(a *model.Activity) string      { return a.GoName + "Activity" }
func localActivityFunc(a *model.Activity) string { return a.GoName + "LocalActivity" }

// Package-level identifiers.
const (
	workflowRegistrar  = "WorkflowRegistrar"
	activityRegistrar  = "ActivityRegistrar"
	registrar          = "Registrar"
	registerAll        = "Register"
	registerWorkflows  = "RegisterWorkflows"
	registerActivities = "RegisterActivities"
)

// Fixed methods of the generated handle types.
func handleMethods() []string {
	return []string{"ID", "RunID", "Untyped", "Result", "Cancel", "Terminate", "Describe"}
}
func updateMethods() []string   { return []string{"ID", "Untyped", "Workflow", "Get"} }
func externalMethods() []string { return []string{"ID", "RunID", "Cancel", "Untyped"} }
func childMethods() []string {
	return []string{"ID", "FirstExecutionRunID", "Started", "Result", "Get", "Cancel", "Untyped"}
}

func kindWord(k model.HandlerKind) string {
	switch k {
	case model.SignalHandler:
		return "Signal"
	case model.QueryHandler:
		return "Query"
	}
	return "Update"
}

// lowerFirst lower-cases the leading upper-case run of s the way Go
// names do it: HTTPClient → httpClient, ID → id, URLs → urls, Fetcher →
// fetcher.
func lowerFirst(s string) string {
	runes := []rune(s)
	n := 0
	for n < len(runes) && unicode.IsUpper(runes[n]) {
		n++
	}
	switch {
	case n == 0:
		return s
	case n == 1 || n == len(runes):
	case unicode.IsLower(runes[n]) && !(n+1 == len(runes) && runes[n] == 's'):
		n-- // keep the first letter of the next word: HTTPClient → httpClient
	}
	for i := range n {
		runes[i] = unicode.ToLower(runes[i])
	}
	return string(runes)
}

// origin says what made the generator declare an identifier, for messages.
type origin struct {
	what  string
	pos   model.Pos
	fixed bool // a method every handle of its type has
	pkg   bool // a package-level registration identifier
}

// collisions checks the identifiers and methods that File would declare
// against each other and against the package's own declarations. Each
// problem is reported once, at the later of the two elements.
type collisions struct {
	declared map[string]model.Pos
	seen     map[string]origin
	reported map[[2]string]bool
	errs     []error
}

func newCollisions(declared []model.Ident) *collisions {
	c := &collisions{declared: make(map[string]model.Pos), seen: make(map[string]origin), reported: make(map[[2]string]bool)}
	for _, d := range declared {
		c.declared[d.Name] = d.Pos
	}
	return c
}

// add records the identifier id (scope is "" for package level, or a type
// name for methods) declared because of o.
func (c *collisions) add(scope, id string, o origin) {
	key := id
	shown := id
	if scope != "" {
		key = scope + "." + id
		shown = "method " + key
	}
	if scope == "" {
		if pos, ok := c.declared[id]; ok {
			if o.pkg {
				// Registration functions are not caused by one element:
				// point at the declaration that is in the way.
				c.report(origin{what: o.what, pos: pos}, "declared:"+id, fmt.Sprintf("%s is generated for %s: rename this declaration", id, o.what))
				return
			}
			c.report(o, "declared:"+id, fmt.Sprintf("generated %s for %s collides with %s declared at %s: rename one of them", shown, o.what, id, short(pos)))
			return
		}
	}
	if prev, ok := c.seen[key]; ok {
		switch {
		case prev.fixed:
			c.report(o, "fixed:"+id, fmt.Sprintf("%s: generated %s collides with the method every %s has: rename the Go method and keep the registered name with name=%s", o.what, shown, scope, id))
		case prev.what != o.what:
			c.report(o, prev.what, fmt.Sprintf("generated %s for %s collides with the one for %s: rename one of them", shown, o.what, prev.what))
		}
		return
	}
	c.seen[key] = o
}

// short formats pos with the base name of its file: declarations that
// collide are in the package's own directory.
func short(pos model.Pos) string {
	pos.File = filepath.Base(pos.File)
	return pos.String()
}

func (c *collisions) report(o origin, other, msg string) {
	k := [2]string{o.what, other}
	if c.reported[k] {
		return
	}
	c.reported[k] = true
	c.errs = append(c.errs, &model.Error{Pos: o.pos, Msg: msg})
}

// checkNames returns the collisions of everything File would declare for
// p (sorted as File sorts it).
func checkNames(p *model.Package) []error { return fileNames(p).errs }

// checkTestNames returns the collisions of the test helpers TestFile
// would declare for p with each other, with the package's declarations
// and with what File declares; the collisions within File are
// checkNames's.
func checkTestNames(p *model.Package) []error {
	c := fileNames(p)
	n := len(c.errs)
	for i := range p.Workflows {
		wf := &p.Workflows[i]
		o := origin{what: "workflow " + wf.GoName, pos: wf.Pos}
		c.add("", inEnvType(wf), o)
		c.add("", workflowMockFunc(wf), o)
		for _, m := range inEnvFields() {
			c.add(inEnvType(wf), m, origin{what: o.what, pos: o.pos, fixed: true})
		}
		for _, h := range handlers(wf) {
			if !h.Dynamic {
				c.add(inEnvType(wf), h.GoName, origin{what: fmt.Sprintf("%s %s of workflow %s", h.Kind, h.GoName, wf.GoName), pos: h.Pos})
			}
		}
	}
	for i := range p.Activities {
		a := &p.Activities[i]
		c.add("", activityMockFunc(a), origin{what: activityWhat(a), pos: a.Pos})
	}
	nexusTestNames(c, p)
	return c.errs[n:]
}

// activityWhat names activity a in messages.
func activityWhat(a *model.Activity) string {
	if a.Receiver != "" {
		return "activity method " + a.Receiver + "." + a.GoName
	}
	return "activity " + a.GoName
}

// fileNames records everything File would declare for p, and the
// collisions found on the way.
func fileNames(p *model.Package) *collisions {
	c := newCollisions(p.Declared)
	for i := range p.Workflows {
		wf := &p.Workflows[i]
		o := origin{what: "workflow " + wf.GoName, pos: wf.Pos}
		ids := []string{handleType(wf), childType(wf), externalType(wf), startFunc(wf), getFunc(wf),
			executeFunc(wf), startChildFunc(wf), getExternalFunc(wf), continueAsNewFunc(wf), registerFunc(wf),
			scheduleFunc(wf), scheduleActionFunc(wf)}
		if !wf.Dynamic {
			ids = append(ids, workflowNameConst(wf))
		}
		if wf.TaskQueue != "" {
			ids = append(ids, taskQueueConst(wf))
		}
		for _, id := range ids {
			c.add("", id, o)
		}
		fixed := origin{what: o.what, pos: o.pos, fixed: true}
		for _, m := range handleMethods() {
			c.add(handleType(wf), m, fixed)
		}
		for _, m := range childMethods() {
			c.add(childType(wf), m, fixed)
		}
		for _, m := range externalMethods() {
			c.add(externalType(wf), m, fixed)
		}
		for _, h := range handlers(wf) {
			if h.Dynamic {
				continue
			}
			ho := origin{what: fmt.Sprintf("%s %s of workflow %s", h.Kind, h.GoName, wf.GoName), pos: h.Pos}
			c.add("", handlerNameConst(wf, h), ho)
			c.add(handleType(wf), h.GoName, ho)
			switch h.Kind {
			case model.SignalHandler:
				c.add("", signalWithStartFunc(wf, h), ho)
				c.add(childType(wf), h.GoName, ho)
				c.add(externalType(wf), h.GoName, ho)
			case model.UpdateHandler:
				c.add("", updateWithStartFunc(wf, h), ho)
				c.add("", updateHandleType(wf, h), ho)
				c.add(handleType(wf), "Start"+h.GoName, ho)
				c.add(handleType(wf), "Get"+h.GoName, ho)
				for _, m := range updateMethods() {
					c.add(updateHandleType(wf, h), m, origin{what: ho.what, pos: ho.pos, fixed: true})
				}
			}
		}
	}
	for i := range p.Activities {
		a := &p.Activities[i]
		o := origin{what: activityWhat(a), pos: a.Pos}
		for _, id := range []string{activityNameConst(a), activityFunc(a), localActivityFunc(a), "Start" + activityFunc(a), "Start" + localActivityFunc(a)} {
			c.add("", id, o)
		}
	}
	nexusNames(c, p)
	o := origin{what: "package " + p.Name, pos: p.Pos, pkg: true}
	for _, id := range packageIdents(p) {
		c.add("", id, o)
	}
	return c
}

// packageIdents are the package-level registration identifiers File
// declares for p.
func packageIdents(p *model.Package) []string {
	var ids []string
	if len(p.Workflows) > 0 {
		ids = append(ids, workflowRegistrar, registerWorkflows)
	}
	if len(p.Activities) > 0 {
		ids = append(ids, activityRegistrar, registerActivities)
	}
	if len(p.Workflows) > 0 && len(p.Activities) > 0 {
		ids = append(ids, registrar)
	}
	if len(p.NexusServices) > 0 {
		ids = append(ids, nexusRegistrar)
	}
	if len(p.Workflows) > 0 || len(p.Activities) > 0 {
		ids = append(ids, registerAll)
	}
	return ids
}

// handlers returns the handlers of wf: signals, queries, updates.
func handlers(wf *model.Workflow) []*model.Handler {
	var out []*model.Handler
	for _, hs := range [][]model.Handler{wf.Signals, wf.Queries, wf.Updates} {
		for i := range hs {
			out = append(out, &hs[i])
		}
	}
	return out
}

// scope hands out local identifiers that shadow nothing the generated
// code refers to. The reserved names are shared by every scope of a file
// and never modified; used holds the names taken in this scope.
type scope struct {
	reserved map[string]bool
	used     map[string]bool
}

// newScope returns a scope in which the names of reserved are taken.
func newScope(reserved map[string]bool) *scope {
	return &scope{reserved: reserved, used: make(map[string]bool)}
}

// taken reports whether n is reserved or used.
func (s *scope) taken(n string) bool { return s.reserved[n] || s.used[n] }

// take marks n used.
func (s *scope) take(n string) { s.used[n] = true }

// name returns want, or want with a number appended if want is taken or
// a keyword, and marks it taken. An empty, blank or invalid want means
// "arg".
func (s *scope) name(want string) string {
	if want == "_" || !token.IsIdentifier(want) {
		want = "arg"
	}
	n := want
	for i := 2; s.taken(n) || token.IsKeyword(n); i++ {
		n = want + strconv.Itoa(i)
	}
	s.used[n] = true
	return n
}

// universe is the set of predeclared identifiers.
func universe() map[string]bool {
	out := make(map[string]bool)
	for _, n := range types.Universe.Names() {
		out[n] = true
	}
	return out
}

// quote renders s as a Go string for doc comments.
func quote(s string) string { return strconv.Quote(s) }
