package check

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/temporalgen/temporalgen/gen/model"
)

// isOwnOutput reports whether f was written by temporalgen. Such files
// are skipped when collecting declared identifiers: they are about to be
// replaced.
func isOwnOutput(f *ast.File) bool {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if strings.Contains(c.Text, model.GeneratedHeader) {
				return true
			}
		}
	}
	return false
}

// declared lists the package-level identifiers of files (not methods,
// not blank, not those of temporalgen's own output), sorted by name; a
// name declared twice is listed once, at its first position.
func (c *checker) declared(files []*ast.File) []model.Ident {
	var out []model.Ident
	add := func(id *ast.Ident) {
		if id != nil && id.Name != "_" && id.Name != "init" {
			out = append(out, model.Ident{Name: id.Name, Pos: c.pos(id.Pos())})
		}
	}
	for _, f := range files {
		if isOwnOutput(f) {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					add(d.Name)
				}
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					continue
				}
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add(s.Name)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(n)
						}
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b model.Ident) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return a.Pos.Compare(b.Pos)
	})
	return slices.CompactFunc(out, func(a, b model.Ident) bool { return a.Name == b.Name })
}

// workflowNames tracks the registered workflow names of a package.
type workflowNames struct {
	names   map[string]string // name -> Go type
	dynamic string            // Go type of the dynamic workflow
}

// uniqueWorkflowName reports a workflow registered under a name already
// taken in the package, or a second dynamic workflow, at pos.
func (c *checker) uniqueWorkflowName(seen *workflowNames, wf model.Workflow, pos token.Pos) bool {
	if wf.Dynamic {
		if seen.dynamic != "" {
			c.errorf(pos, "second dynamic workflow %s: %s is already the dynamic workflow of package %s", wf.GoName, seen.dynamic, c.pkg.Name())
			return false
		}
		seen.dynamic = wf.GoName
		return true
	}
	if prev, dup := seen.names[wf.Name]; dup {
		c.errorf(pos, "duplicate workflow name %q in package %s: %s already uses it; set a different name=", wf.Name, c.pkg.Name(), prev)
		return false
	}
	seen.names[wf.Name] = wf.GoName
	return true
}
