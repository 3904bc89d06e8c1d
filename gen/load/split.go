package load

import (
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// trusted reports whether p, unless it is requested, is loaded from export
// data whatever imports it: the standard library, temporalgen's runtime
// (which the determinism analyzer trusts, see gen/determinism), the Temporal API
// and the protobuf and gRPC infrastructure under it. A path is under a
// prefix when it equals it or continues it with "/".
func trusted(p *packages.Package) bool {
	if standard(p) {
		return true
	}
	for _, prefix := range []string{
		"github.com/temporalgen/temporalgen/runtime",
		"go.temporal.io/api",
		"google.golang.org/protobuf",
		"google.golang.org/grpc",
	} {
		if rest, ok := strings.CutPrefix(p.PkgPath, prefix); ok && (rest == "" || rest[0] == '/') {
			return true
		}
	}
	return false
}

// standard reports whether p is in the standard library: it belongs to no
// module and its path's first element has no dot.
func standard(p *packages.Package) bool {
	first, _, _ := strings.Cut(p.PkgPath, "/")
	return p.Module == nil && !strings.Contains(first, ".")
}

// split divides the packages reachable from roots (loaded with their
// dependencies' metadata) into those to parse and type-check from source
// and those to import from export data; the latter are the packages that
// the former import directly.
//
// The source set is everything reachable from roots without entering a
// trusted package, except that no package of the export set may depend
// on one of the source set, since the two would then disagree on its
// types: a package that trusted code depends on too (say
// golang.org/x/net, imported by the user and by gRPC) comes from export
// data unless it is a root, and a package of the export set that depends
// on a root (which is always loaded from source) is loaded from source
// too.
func split(roots []*packages.Package) (src, exp []*packages.Package) {
	isRoot := make(map[*packages.Package]bool)
	for _, r := range roots {
		isRoot[r] = true
	}
	inSrc := make(map[*packages.Package]bool)
	var walk func(p *packages.Package)
	walk = func(p *packages.Package) {
		if inSrc[p] {
			return
		}
		inSrc[p] = true
		for _, q := range p.Imports {
			if isRoot[q] || !trusted(q) {
				walk(q)
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}

	// What trusted packages depend on comes from export data.
	underTrusted := make(map[*packages.Package]bool)
	var mark func(p *packages.Package)
	mark = func(p *packages.Package) {
		if underTrusted[p] {
			return
		}
		underTrusted[p] = true
		for _, q := range p.Imports {
			mark(q)
		}
	}
	for p := range inSrc {
		for _, q := range p.Imports {
			if !inSrc[q] {
				mark(q)
			}
		}
	}
	for p := range inSrc {
		if underTrusted[p] && !isRoot[p] {
			delete(inSrc, p)
		}
	}

	// Export data that depends on a root is replaced by source, until
	// none does.
	for {
		reaches := make(map[*packages.Package]bool)
		var dependsOnSrc func(p *packages.Package) bool
		dependsOnSrc = func(p *packages.Package) bool {
			if r, ok := reaches[p]; ok {
				return r
			}
			reaches[p] = false // cycles were reported by go list
			for _, q := range p.Imports {
				if inSrc[q] || dependsOnSrc(q) {
					reaches[p] = true
					return true
				}
			}
			return false
		}
		var moved []*packages.Package
		for p := range inSrc {
			for _, q := range p.Imports {
				if !inSrc[q] && dependsOnSrc(q) {
					moved = append(moved, q)
				}
			}
		}
		if len(moved) == 0 {
			break
		}
		for _, p := range moved {
			inSrc[p] = true
		}
	}

	inExp := make(map[*packages.Package]bool)
	for p := range inSrc {
		src = append(src, p)
		for _, q := range p.Imports {
			if !inSrc[q] && !inExp[q] {
				inExp[q] = true
				exp = append(exp, q)
			}
		}
	}
	byPath := func(a, b *packages.Package) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(src, byPath)
	slices.SortFunc(exp, byPath)
	return src, exp
}
