package directive

import (
	"fmt"
	"go/ast"
	"go/token"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Decl is a directive together with the declaration it is attached to.
// Exactly one of Type and Func is set, except for a method of an
// interface type, which has Type (the interface) and Field (the method).
type Decl struct {
	*Directive
	Type  *ast.TypeSpec // workflow and activity on struct types, nexus on struct and interface types
	Func  *ast.FuncDecl // methods (init, run, signal, query, update, operation) and activity functions
	Field *ast.Field    // operation on a method of an interface type, with one name
}

// Name returns the name of the declaration.
func (d Decl) Name() string {
	switch {
	case d.Field != nil:
		return d.Field.Names[0].Name
	case d.Type != nil:
		return d.Type.Name.Name
	}
	return d.Func.Name.Name
}

// NamePos returns the position of the declaration's name.
func (d Decl) NamePos() token.Pos {
	switch {
	case d.Field != nil:
		return d.Field.Names[0].Pos()
	case d.Type != nil:
		return d.Type.Name.Pos()
	}
	return d.Func.Name.Pos()
}

// Receiver returns the type a method directive belongs to: the receiver's
// base type name of a method, the interface of an interface method, ""
// for other declarations.
func (d Decl) Receiver() string {
	switch {
	case d.Field != nil:
		return d.Type.Name.Name
	case d.Func != nil:
		return ReceiverName(d.Func)
	}
	return ""
}

// File holds the directives of one file.
type File struct {
	Decls   []Decl       // declaration directives, in source order
	Escapes []*Directive // //temporal:nondeterministic-ok, in source order
}

// ParseFile finds and checks every directive of f: syntax, options and
// placement. Misplaced directives and directives with an unknown kind are
// left out of the result; the errors say why.
func ParseFile(fset *token.FileSet, f *ast.File) (*File, []error) {
	var errs []error
	out := &File{}
	attached := make(map[*ast.Comment]bool)

	visit := func(doc *ast.CommentGroup, ts *ast.TypeSpec, fd *ast.FuncDecl, field *ast.Field) {
		if doc == nil {
			return
		}
		var first *Directive
		for _, c := range doc.List {
			d, derrs := Parse(fset, c)
			if d == nil && derrs == nil {
				continue
			}
			attached[c] = true
			errs = append(errs, derrs...)
			if d == nil {
				continue
			}
			if d.Kind == NondeterministicOK {
				errs = append(errs, errorAt(fset, d.Pos, "misplaced //temporal:nondeterministic-ok directive: %s", escapePlacement))
				continue
			}
			if msg := checkTarget(d, ts, fd, field); msg != "" {
				errs = append(errs, errorAt(fset, d.Pos, "%s", msg))
				continue
			}
			if first != nil {
				if first.Kind == d.Kind {
					errs = append(errs, errorAt(fset, d.Pos, "duplicate //temporal:%s directive", d.Kind))
				} else {
					errs = append(errs, errorAt(fset, d.Pos, "conflicting directives //temporal:%s and //temporal:%s: a declaration takes only one", first.Kind, d.Kind))
				}
				continue
			}
			first = d
			out.Decls = append(out.Decls, Decl{Directive: d, Type: ts, Func: fd, Field: field})
		}
	}
	// methods visits the methods of an interface type: operations of a
	// Nexus service may carry directives there.
	methods := func(ts *ast.TypeSpec) {
		it, ok := ts.Type.(*ast.InterfaceType)
		if !ok || it.Methods == nil {
			return
		}
		for _, m := range it.Methods.List {
			if _, isFunc := m.Type.(*ast.FuncType); isFunc && len(m.Names) == 1 {
				visit(m.Doc, ts, nil, m)
			} else {
				visit(m.Doc, nil, nil, nil) // an embedded type: nothing to attach to
			}
		}
	}

	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			visit(decl.Doc, nil, decl, nil)
		case *ast.GenDecl:
			if decl.Tok == token.TYPE && !decl.Lparen.IsValid() && len(decl.Specs) == 1 {
				ts := decl.Specs[0].(*ast.TypeSpec)
				visit(decl.Doc, ts, nil, nil)
				visit(ts.Doc, ts, nil, nil)
				methods(ts)
				continue
			}
			visit(decl.Doc, nil, nil, nil)
			for _, spec := range decl.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					visit(spec.Doc, spec, nil, nil)
					methods(spec)
				case *ast.ValueSpec:
					visit(spec.Doc, nil, nil, nil)
				}
			}
		}
	}

	// Every other directive is either an escape hatch or misplaced.
	bodies := funcBodies(f)
	for _, g := range f.Comments {
		for _, c := range g.List {
			if attached[c] {
				continue
			}
			d, derrs := Parse(fset, c)
			errs = append(errs, derrs...)
			if d == nil {
				continue
			}
			if d.Kind != NondeterministicOK {
				errs = append(errs, errorAt(fset, d.Pos, "misplaced //temporal:%s directive: must be directly above %s", d.Kind, targetOf(d.Kind)))
				continue
			}
			if !inside(bodies, c.Slash) {
				errs = append(errs, errorAt(fset, d.Pos, "misplaced //temporal:nondeterministic-ok directive: %s", escapePlacement))
				continue
			}
			out.Escapes = append(out.Escapes, d)
		}
	}
	return out, model.SortErrors(errs)
}

const escapePlacement = "must be inside a function body, at the end of a statement's line or on the line above it"

// targetOf describes the declarations directive kind k may be attached to.
func targetOf(k Kind) string {
	switch k {
	case Workflow:
		return "a struct type declaration"
	case Activity:
		return "a function or a struct type declaration"
	case Nexus:
		return "a struct or interface type declaration"
	case Operation:
		return "a method of a //temporal:nexus type (or a method in a //temporal:nexus interface)"
	}
	return "a method"
}

// checkTarget returns a message if d may not be attached to ts, fd or the
// interface method field of ts (all nil for other declarations).
func checkTarget(d *Directive, ts *ast.TypeSpec, fd *ast.FuncDecl, field *ast.Field) string {
	misplaced := fmt.Sprintf("misplaced //temporal:%s directive: must be directly above %s", d.Kind, targetOf(d.Kind))
	if field != nil {
		if d.Kind == Operation {
			return ""
		}
		return misplaced + ", not a method of an interface"
	}
	isStruct, isInterface := false, false
	if ts != nil {
		_, isStruct = ts.Type.(*ast.StructType)
		_, isInterface = ts.Type.(*ast.InterfaceType)
	}
	isMethod := fd != nil && fd.Recv != nil && len(fd.Recv.List) > 0
	switch d.Kind {
	case Nexus:
		if !isStruct && !isInterface {
			return misplaced
		}
	case Workflow:
		if !isStruct {
			return misplaced
		}
	case Activity:
		switch {
		case isMethod:
			return misplaced + " (to make methods activities, put it on their struct type)"
		case fd != nil:
			if a, ok := d.Lookup("prefix"); ok {
				return fmt.Sprintf("option %q of //temporal:activity is for struct types: use name= on a function", a.Key)
			}
		case isStruct:
			if a, ok := d.Lookup("name"); ok {
				return fmt.Sprintf("option %q of //temporal:activity is for functions: use prefix= on a struct type", a.Key)
			}
		default:
			return misplaced
		}
	default:
		if !isMethod {
			return misplaced
		}
	}
	return ""
}

type span struct{ pos, end token.Pos }

func funcBodies(f *ast.File) []span {
	var out []span
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil {
			out = append(out, span{fd.Body.Lbrace, fd.Body.Rbrace})
		}
	}
	return out
}

func inside(spans []span, pos token.Pos) bool {
	for _, s := range spans {
		if s.pos < pos && pos < s.end {
			return true
		}
	}
	return false
}

// ReceiverName returns the base type name of a method's receiver.
func ReceiverName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	for {
		switch e := t.(type) {
		case *ast.StarExpr:
			t = e.X
		case *ast.ParenExpr:
			t = e.X
		case *ast.IndexExpr:
			t = e.X
		case *ast.IndexListExpr:
			t = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}
