// Command temporalvet runs temporalgen's determinism analyzer
// (github.com/temporalgen/temporalgen/gen/determinism.Analyzer) as a go vet
// tool:
//
//	go install github.com/temporalgen/temporalgen/cmd/temporalvet
//	go vet -vettool=$(which temporalvet) ./...
//
// It reports nondeterministic code reachable from //temporal:workflow
// types, following calls across packages. temporalgen vet does the same
// without go vet.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/temporalgen/temporalgen/gen/determinism"
)

func main() { unitchecker.Main(determinism.Analyzer) }
