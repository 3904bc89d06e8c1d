package check

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Import paths of the types that signatures are checked against.
const (
	WorkflowPkg  = "github.com/temporalgen/temporalgen/runtime/workflow"
	ConverterPkg = "github.com/temporalgen/temporalgen/runtime/converter"
	protoPkg     = "google.golang.org/protobuf/proto"
)

// isNamed reports whether t is the named type path.name, directly or
// through aliases.
func isNamed(t types.Type, path, name string) bool {
	for {
		var obj *types.TypeName
		switch tt := t.(type) {
		case *types.Named:
			obj = tt.Obj()
		case *types.Alias:
			obj = tt.Obj()
		default:
			return false
		}
		if obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name {
			return true
		}
		a, ok := t.(*types.Alias)
		if !ok {
			return false
		}
		t = a.Rhs()
	}
}

func isWorkflowContext(t types.Type) bool { return isNamed(t, WorkflowPkg, "Context") }
func isStdContext(t types.Type) bool      { return isNamed(t, "context", "Context") }
func isValues(t types.Type) bool          { return isNamed(t, ConverterPkg, "Values") }

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func isString(t types.Type) bool {
	b, ok := types.Unalias(t).(*types.Basic)
	return ok && b.Kind() == types.String
}

// param is one parameter or result of a declared function, with the
// position of its name (or of its type when unnamed).
type param struct {
	name     string
	typ      types.Type
	pos      token.Pos
	typePos  token.Pos
	variadic bool
}

// fields expands an AST field list into one param per name, taking types
// from tuple (the corresponding types.Tuple).
func fields(list *ast.FieldList, tuple *types.Tuple) []param {
	if list == nil {
		return nil
	}
	var out []param
	for _, f := range list.List {
		_, variadic := f.Type.(*ast.Ellipsis)
		if len(f.Names) == 0 {
			out = append(out, param{pos: f.Type.Pos(), typePos: f.Type.Pos(), variadic: variadic})
			continue
		}
		for _, n := range f.Names {
			out = append(out, param{name: n.Name, pos: n.Pos(), typePos: f.Type.Pos(), variadic: variadic})
		}
	}
	if tuple != nil && tuple.Len() == len(out) {
		for i := range out {
			out[i].typ = tuple.At(i).Type()
		}
	}
	for i := range out {
		if out[i].typ == nil {
			out[i].typ = types.Typ[types.Invalid]
		}
	}
	return out
}

// typeString writes t as code of pkg would: types of pkg unqualified,
// others qualified by package name.
func typeString(t types.Type, pkg *types.Package) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	})
}

// typeRef converts t to a model.TypeRef. It returns a problem description
// for types that have no place in generated code.
func typeRef(t types.Type, pkg *types.Package) (model.TypeRef, string) {
	ref := model.TypeRef{String: typeString(t, pkg)}
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.Invalid {
			return ref, "its type is invalid (fix the compile errors first)"
		}
		ref.Kind, ref.Name = model.Basic, t.Name()
	case *types.Alias:
		if t.Obj().Pkg() == nil { // any
			ref.Kind, ref.Name = model.Basic, t.Obj().Name()
			return ref, ""
		}
		return named(ref, t.Obj(), t.TypeArgs(), pkg)
	case *types.Named:
		if t.Obj().Pkg() == nil { // error, comparable
			ref.Kind, ref.Name = model.Basic, t.Obj().Name()
			return ref, ""
		}
		return named(ref, t.Obj(), t.TypeArgs(), pkg)
	case *types.TypeParam:
		ref.Kind, ref.Name = model.TypeParam, t.Obj().Name()
	case *types.Pointer:
		return wrap(ref, model.Pointer, t.Elem(), pkg)
	case *types.Slice:
		return wrap(ref, model.Slice, t.Elem(), pkg)
	case *types.Array:
		ref.Len = t.Len()
		return wrap(ref, model.Array, t.Elem(), pkg)
	case *types.Map:
		key, problem := typeRef(t.Key(), pkg)
		if problem != "" {
			return ref, problem
		}
		ref.Key = &key
		return wrap(ref, model.Map, t.Elem(), pkg)
	case *types.Interface:
		if t.Empty() {
			ref.Kind, ref.Name = model.Basic, "any"
			return ref, ""
		}
		return ref, "anonymous interface types are not supported: declare a named type"
	case *types.Struct:
		return ref, "anonymous struct types are not supported: declare a named type"
	default:
		return ref, fmt.Sprintf("type %s is not supported", ref.String)
	}
	return ref, ""
}

func named(ref model.TypeRef, obj *types.TypeName, args *types.TypeList, pkg *types.Package) (model.TypeRef, string) {
	ref.Kind = model.Named
	ref.ImportPath, ref.PkgName, ref.Name = obj.Pkg().Path(), obj.Pkg().Name(), obj.Name()
	if obj.Pkg() != pkg && !obj.Exported() {
		return ref, fmt.Sprintf("type %s is unexported in package %s", ref.String, obj.Pkg().Path())
	}
	for i := range args.Len() {
		a, problem := typeRef(args.At(i), pkg)
		if problem != "" {
			return ref, problem
		}
		ref.Args = append(ref.Args, a)
	}
	return ref, ""
}

func wrap(ref model.TypeRef, kind model.TypeKind, elem types.Type, pkg *types.Package) (model.TypeRef, string) {
	e, problem := typeRef(elem, pkg)
	ref.Kind, ref.Elem = kind, &e
	return ref, problem
}

// unencodable reports why values of type t cannot cross Temporal, or "".
// It looks through pointers, slices, arrays, maps and the exported fields
// of structs (fields tagged json:"-" are skipped), and trusts types with
// their own encoding (proto messages, json.Marshaler, encoding.TextMarshaler).
func unencodable(t types.Type, pkg *types.Package) string {
	return walkEncodable(t, pkg, "", make(map[types.Type]bool))
}

func walkEncodable(t types.Type, pkg *types.Package, path string, seen map[types.Type]bool) string {
	in := func(what string) string {
		if path == "" {
			return "it is " + what
		}
		return path + " is " + what
	}
	if seen[t] {
		return ""
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		seen[t] = true
		if customEncoding(n) {
			return ""
		}
		if n.Obj().Pkg() != nil && isNamed(n, protoPkg, "Message") {
			return ""
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Chan:
		return in("a channel")
	case *types.Signature:
		return in("a function")
	case *types.Basic:
		switch {
		case u.Kind() == types.UnsafePointer:
			return in("an unsafe.Pointer")
		case u.Info()&types.IsComplex != 0:
			return in("a complex number")
		}
	case *types.Interface:
		if u.Empty() || isNamed(t, protoPkg, "Message") {
			return ""
		}
		return in("the interface " + typeString(t, pkg) + " (only any and proto.Message can be decoded)")
	case *types.Pointer:
		return walkEncodable(u.Elem(), pkg, path, seen)
	case *types.Slice:
		return walkEncodable(u.Elem(), pkg, elemPath(path, "element"), seen)
	case *types.Array:
		return walkEncodable(u.Elem(), pkg, elemPath(path, "element"), seen)
	case *types.Map:
		if !validMapKey(u.Key()) {
			return elemPath(path, "map key") + " is " + typeString(u.Key(), pkg) + ", which JSON cannot use as an object key"
		}
		return walkEncodable(u.Elem(), pkg, elemPath(path, "map value"), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if !f.Exported() && !f.Embedded() {
				continue
			}
			if tag := reflect.StructTag(u.Tag(i)).Get("json"); tag == "-" {
				continue
			}
			owner := typeString(t, pkg)
			if p := walkEncodable(f.Type(), pkg, "field "+strings.TrimPrefix(owner, "*")+"."+f.Name(), seen); p != "" {
				return p
			}
		}
	}
	return ""
}

func elemPath(path, what string) string {
	if path == "" {
		return "its " + what
	}
	return path + " " + what
}

// customEncoding reports whether n or *n marshals itself.
func customEncoding(n *types.Named) bool {
	for _, m := range []string{"MarshalJSON", "MarshalText", "ProtoReflect"} {
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(n), true, n.Obj().Pkg(), m)
		if _, ok := obj.(*types.Func); ok {
			return true
		}
	}
	return false
}

func validMapKey(t types.Type) bool {
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b.Info()&(types.IsString|types.IsInteger) != 0
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(n), true, n.Obj().Pkg(), "MarshalText")
		_, ok := obj.(*types.Func)
		return ok
	}
	return false
}
