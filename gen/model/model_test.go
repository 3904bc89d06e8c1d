package model

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func TestPosString(t *testing.T) {
	for _, tc := range []struct {
		p    Pos
		want string
	}{
		{Pos{File: "a.go", Line: 3, Col: 7}, "a.go:3:7"},
		{Pos{File: "a.go", Line: 3}, "a.go:3"},
		{Pos{}, "-"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestSortErrors(t *testing.T) {
	errs := []error{
		Errorf(Pos{File: "b.go", Line: 1, Col: 1}, "b"),
		Errorf(Pos{File: "a.go", Line: 2, Col: 1}, "a2"),
		errors.New("no position"),
		Errorf(Pos{File: "a.go", Line: 1, Col: 9}, "a1"),
		Errorf(Pos{File: "a.go", Line: 2, Col: 1}, "a2"),
	}
	var got []string
	for _, e := range SortErrors(errs) {
		got = append(got, e.Error())
	}
	want := []string{"no position", "a.go:1:9: a1", "a.go:2:1: a2", "b.go:1:1: b"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTypeKindJSON(t *testing.T) {
	for k := Invalid; k <= Map; k++ {
		b, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		var back TypeKind
		if err := json.Unmarshal(b, &back); err != nil || back != k {
			t.Errorf("%v: round trip gave %v, %v", k, back, err)
		}
	}
	var k TypeKind
	if err := json.Unmarshal([]byte(`"nope"`), &k); err == nil {
		t.Error("want an error for an unknown kind")
	}
}

func TestWalk(t *testing.T) {
	str := TypeRef{Kind: Basic, Name: "string"}
	item := TypeRef{Kind: Named, ImportPath: "x/y", Name: "Item"}
	list := TypeRef{Kind: Named, ImportPath: "x/z", Name: "List", Args: []TypeRef{item}}
	m := TypeRef{Kind: Map, Key: &str, Elem: &TypeRef{Kind: Pointer, Elem: &list}}
	var names []string
	m.Walk(func(t *TypeRef) { names = append(names, t.Kind.String()+":"+t.Name) })
	want := []string{"map:", "basic:string", "pointer:", "named:List", "named:Item"}
	if !slices.Equal(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
}
