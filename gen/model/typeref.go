package model

import (
	"fmt"
	"strconv"
)

// TypeKind says how a [TypeRef] is built.
type TypeKind int

// Type kinds. A TypeRef of kind Named or Basic is a leaf, the other kinds
// wrap Elem (and Key for maps).
const (
	Invalid   TypeKind = iota
	Basic              // predeclared: string, int, bool, any, error, ...
	Named              // a named type, possibly generic: ImportPath.Name[Args]
	TypeParam          // a type parameter of the enclosing declaration: Name
	Pointer            // *Elem
	Slice              // []Elem
	Array              // [Len]Elem
	Map                // map[Key]Elem
)

// TypeRef is a Go type in the form code emission needs: enough to render it
// with jennifer's Qual, Index, Map, Op("*") and Types, without go/types.
type TypeRef struct {
	Kind TypeKind
	// ImportPath is the package of a Named type, "" for predeclared and
	// universe types.
	ImportPath string `json:",omitzero"`
	// PkgName is the package name of ImportPath.
	PkgName string `json:",omitzero"`
	// Name is the type name for Named, Basic and TypeParam.
	Name string    `json:",omitzero"`
	Args []TypeRef `json:",omitzero"` // type arguments of an instantiated generic Named type
	Elem *TypeRef  `json:",omitzero"` // Pointer, Slice, Array, Map
	Key  *TypeRef  `json:",omitzero"` // Map
	Len  int64     `json:",omitzero"` // Array
	// String is the type as written in the package that declares it: types
	// of that package unqualified, others qualified by package name, e.g.
	// "[]*Order" or "map[string]time.Duration". For messages and docs.
	String string
}

// String returns the kind's name, as used in JSON.
func (k TypeKind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case Basic:
		return "basic"
	case Named:
		return "named"
	case TypeParam:
		return "typeparam"
	case Pointer:
		return "pointer"
	case Slice:
		return "slice"
	case Array:
		return "array"
	case Map:
		return "map"
	}
	return "TypeKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes k by name.
func (k TypeKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (k *TypeKind) UnmarshalText(b []byte) error {
	for c := Invalid; c <= Map; c++ {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("model: unknown type kind %q", b)
}

// IsError reports whether t is the predeclared error type.
func (t TypeRef) IsError() bool { return t.Kind == Basic && t.Name == "error" }

// Walk calls f for t and every type it contains, outermost first.
func (t *TypeRef) Walk(f func(*TypeRef)) {
	if t == nil {
		return
	}
	f(t)
	t.Key.Walk(f)
	t.Elem.Walk(f)
	for i := range t.Args {
		t.Args[i].Walk(f)
	}
}
