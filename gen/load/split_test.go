package load

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

func TestSplit(t *testing.T) {
	const rt = "github.com/temporalgen/temporalgen/runtime/"
	for _, tc := range []struct {
		name     string
		roots    []string
		imports  map[string][]string // the import graph
		src, exp []string
	}{{
		name:  "user packages from source, trusted ones from export data",
		roots: []string{"example.com/app"},
		imports: map[string][]string{
			"example.com/app":              {"example.com/app/helper", "fmt", rt + "workflow"},
			"example.com/app/helper":       {"strings", "github.com/google/uuid"},
			"github.com/google/uuid":       {"crypto/rand"},
			rt + "workflow":                {"go.temporal.io/api/common/v1", "time"},
			"go.temporal.io/api/common/v1": {"google.golang.org/protobuf/proto"},
		},
		src: []string{"example.com/app", "example.com/app/helper", "github.com/google/uuid"},
		exp: []string{"crypto/rand", "fmt", rt + "workflow", "strings"},
	}, {
		name:  "what trusted code imports too comes from export data",
		roots: []string{"example.com/app"},
		imports: map[string][]string{
			"example.com/app":           {"golang.org/x/net/http2", "google.golang.org/grpc", "example.com/app/helper"},
			"example.com/app/helper":    {"golang.org/x/text/unicode"},
			"google.golang.org/grpc":    {"golang.org/x/net/http2"},
			"golang.org/x/net/http2":    {"golang.org/x/text/unicode"},
			"golang.org/x/text/unicode": {"unicode"},
		},
		src: []string{"example.com/app", "example.com/app/helper"},
		exp: []string{"golang.org/x/net/http2", "golang.org/x/text/unicode", "google.golang.org/grpc"},
	}, {
		name:  "trusted code that imports a root comes from source",
		roots: []string{rt + "workflow", "example.com/app"},
		imports: map[string][]string{
			"example.com/app": {rt + "worker"},
			rt + "worker":     {rt + "workflow", "net"},
			rt + "workflow":   {"time"},
		},
		src: []string{"example.com/app", rt + "worker", rt + "workflow"},
		exp: []string{"net", "time"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pkgs := make(map[string]*packages.Package)
			var get func(path string) *packages.Package
			get = func(path string) *packages.Package {
				if p := pkgs[path]; p != nil {
					return p
				}
				p := &packages.Package{ID: path, PkgPath: path, Imports: make(map[string]*packages.Package)}
				if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
					p.Module = &packages.Module{Path: first}
				}
				pkgs[path] = p
				for _, q := range tc.imports[path] {
					p.Imports[q] = get(q)
				}
				return p
			}
			var roots []*packages.Package
			for _, r := range tc.roots {
				roots = append(roots, get(r))
			}
			src, exp := split(roots)
			paths := func(ps []*packages.Package) []string {
				var out []string
				for _, p := range ps {
					out = append(out, p.PkgPath)
				}
				return out
			}
			if got := paths(src); !slices.Equal(got, tc.src) {
				t.Errorf("source: got %q, want %q", got, tc.src)
			}
			if got := paths(exp); !slices.Equal(got, tc.exp) {
				t.Errorf("export data: got %q, want %q", got, tc.exp)
			}
		})
	}
}
