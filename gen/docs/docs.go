// Package docs renders the Markdown reference of a package's workflows,
// activities and Nexus services (temporalgen -docs) from the model, with the text
// templates of package templates.
//
// The reference lists, per workflow, its type name, task queue, input and
// output types, options, and signals, queries and updates with their
// descriptions, each with a copy-paste Temporal CLI command (`temporal
// workflow start`, `signal`, `query`, `update execute`); then the
// activities; then the Nexus services with their operations and the
// command that creates an endpoint for them. Like the generated code it only depends on the model, so it
// is byte-for-byte deterministic.
//
//	md, err := docs.Markdown(pkg)
package docs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/temporalgen/temporalgen/gen/model"
	"github.com/temporalgen/temporalgen/templates"
)

// TemplateName is the template Markdown executes.
const TemplateName = "docs.md.tmpl"

// Page is the data of the template: one package.
type Page struct {
	Name          string // package name
	Path          string // import path
	Workflows     []Workflow
	Activities    []Activity
	NexusServices []NexusService
}

// NexusService is one Nexus service of a Page.
type NexusService struct {
	GoName     string
	Name       string
	Kind       string // "interface" or "struct"
	Operations []NexusOperation
}

// NexusOperation is one operation of a NexusService.
type NexusOperation struct {
	GoName string
	Name   string
	Input  string
	Output string
}

// Workflow is one workflow of a Page.
type Workflow struct {
	GoName        string
	Name          string // workflow type, empty when Dynamic
	Dynamic       bool
	Sandboxed     bool
	TaskQueue     string
	Versioning    string
	FailureErrors string
	Input         string // the run method's parameters, e.g. "in GreetInput"
	Output        string // its result type, or "" for none
	Start         string // temporal workflow start command
	Signals       []Handler
	Queries       []Handler
	Updates       []Handler
}

// Handler is a signal, query or update of a Workflow.
type Handler struct {
	Title       string // "Signals", "Queries" or "Updates"
	GoName      string
	Name        string // empty when Dynamic
	Dynamic     bool
	Description string // Markdown-escaped
	Notes       []string
	Input       string
	Output      string
	Command     string // temporal CLI command
}

// Activity is one activity of a Page.
type Activity struct {
	GoName string // F or (*T).M
	Name   string
	Input  string
	Output string
}

// Markdown renders the reference of pkg.
func Markdown(pkg *model.Package) ([]byte, error) {
	t, err := template.New(TemplateName).Funcs(template.FuncMap{"code": code}).ParseFS(templates.FS, TemplateName)
	if err != nil {
		return nil, fmt.Errorf("docs: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, NewPage(pkg)); err != nil {
		return nil, fmt.Errorf("docs: package %s: %w", pkg.Path, err)
	}
	return buf.Bytes(), nil
}

// code renders s as inline code, or "none".
func code(s string) string {
	if s == "" {
		return "none"
	}
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

// NewPage builds the template data of pkg, sorted like the generated code.
func NewPage(pkg *model.Package) Page {
	p := Page{Name: pkg.Name, Path: pkg.Path}
	wfs := slices.Clone(pkg.Workflows)
	slices.SortStableFunc(wfs, func(a, b model.Workflow) int { return strings.Compare(a.GoName, b.GoName) })
	for _, wf := range wfs {
		w := Workflow{GoName: wf.GoName, Name: wf.Name, Dynamic: wf.Dynamic, Sandboxed: wf.Sandboxed, TaskQueue: wf.TaskQueue,
			Versioning: string(wf.Versioning), Input: params(wf.Run.Params), Output: result(wf.Run.Result)}
		var fe []string
		for _, t := range wf.FailureErrors {
			fe = append(fe, t.String)
		}
		w.FailureErrors = strings.Join(fe, ", ")
		typ := shellQuote(wf.Name)
		if wf.Dynamic {
			typ = `"$WORKFLOW_TYPE"`
		}
		tq := `"$TASK_QUEUE"`
		if wf.TaskQueue != "" {
			tq = shellQuote(wf.TaskQueue)
		}
		w.Start = "temporal workflow start --type " + typ + " --task-queue " + tq + ` --workflow-id "$WORKFLOW_ID"` + inputs(wf.Run.Params)
		w.Signals = handlers(wf.Signals, "Signals", "temporal workflow signal")
		w.Queries = handlers(wf.Queries, "Queries", "temporal workflow query")
		w.Updates = handlers(wf.Updates, "Updates", "temporal workflow update execute")
		p.Workflows = append(p.Workflows, w)
	}
	acts := slices.Clone(pkg.Activities)
	slices.SortStableFunc(acts, func(a, b model.Activity) int {
		if c := strings.Compare(a.Receiver, b.Receiver); c != 0 {
			return c
		}
		return strings.Compare(a.GoName, b.GoName)
	})
	for _, a := range acts {
		g := a.GoName
		if a.Receiver != "" {
			g = "(*" + a.Receiver + ")." + a.GoName
		}
		p.Activities = append(p.Activities, Activity{GoName: g, Name: a.Name, Input: params(a.Params), Output: result(a.Result)})
	}
	svcs := slices.Clone(pkg.NexusServices)
	slices.SortStableFunc(svcs, func(a, b model.NexusService) int { return strings.Compare(a.GoName, b.GoName) })
	for _, s := range svcs {
		ns := NexusService{GoName: s.GoName, Name: s.Name, Kind: "struct"}
		if s.Interface {
			ns.Kind = "interface"
		}
		ops := slices.Clone(s.Operations)
		slices.SortStableFunc(ops, func(a, b model.NexusOperation) int { return strings.Compare(a.GoName, b.GoName) })
		for _, op := range ops {
			ns.Operations = append(ns.Operations, NexusOperation{GoName: op.GoName, Name: op.Name, Input: params([]model.Param{op.Input}), Output: result(op.Result)})
		}
		p.NexusServices = append(p.NexusServices, ns)
	}
	return p
}

func handlers(hs []model.Handler, title, cmd string) []Handler {
	hs = slices.Clone(hs)
	slices.SortStableFunc(hs, func(a, b model.Handler) int { return strings.Compare(a.GoName, b.GoName) })
	var out []Handler
	for _, h := range hs {
		d := Handler{Title: title, GoName: h.GoName, Name: h.Name, Dynamic: h.Dynamic, Description: escape(h.Description),
			Input: params(h.Params), Output: result(h.Result)}
		if h.Unfinished == model.UnfinishedAbandon {
			d.Notes = append(d.Notes, "abandoned silently if unfinished")
		}
		if h.Validator != nil {
			d.Notes = append(d.Notes, "validated by "+h.Validator.GoName)
		}
		name := shellQuote(h.Name)
		if h.Dynamic {
			name = `"$NAME"`
		}
		d.Command = cmd + ` --workflow-id "$WORKFLOW_ID" --name ` + name
		if !h.Dynamic {
			d.Command += inputs(h.Params)
		}
		out = append(out, d)
	}
	return out
}

// params renders parameters as Go does: "name Type, ...".
func params(ps []model.Param) string {
	var parts []string
	for _, p := range ps {
		if p.Name == "" || p.Name == "_" {
			parts = append(parts, p.Type.String)
		} else {
			parts = append(parts, p.Name+" "+p.Type.String)
		}
	}
	return strings.Join(parts, ", ")
}

func result(r *model.TypeRef) string {
	if r == nil {
		return ""
	}
	return r.String
}

// inputs renders one --input flag per parameter with an example value:
// a JSON literal for basic types, a <Type JSON> placeholder otherwise.
func inputs(ps []model.Param) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(" --input ")
		b.WriteString(shellQuote(example(p)))
	}
	return b.String()
}

func example(p model.Param) string {
	t := p.Type
	switch t.Kind {
	case model.Basic:
		switch {
		case t.Name == "string":
			n := p.Name
			if n == "" || n == "_" {
				n = "text"
			}
			return `"` + n + `"`
		case t.Name == "bool":
			return "false"
		case strings.HasPrefix(t.Name, "int"), strings.HasPrefix(t.Name, "uint"), strings.HasPrefix(t.Name, "float"), t.Name == "byte", t.Name == "rune":
			return "0"
		}
	case model.Slice, model.Array:
		return "[]"
	case model.Map:
		return "{}"
	}
	return "<" + t.String + " JSON>"
}

// shellQuote quotes s for sh when it is not a plain word.
func shellQuote(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
	}) < 0
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// escape makes s safe inside a Markdown table cell.
func escape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
