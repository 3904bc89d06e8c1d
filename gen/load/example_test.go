package load_test

import (
	"fmt"
	"log"
	"maps"
	"slices"

	"github.com/temporalgen/temporalgen/gen/load"
)

// The imports of a package from the module come from source; those of
// the standard library and the runtime come from export data.
func ExampleLoad() {
	res, err := load.Load(load.Config{Patterns: []string{"./testdata/sibling"}})
	if err != nil {
		log.Fatal(err) // the go command could not run
	}
	for _, e := range res.Errors {
		fmt.Println(e)
	}
	p := res.Packages[0]
	for _, path := range slices.Sorted(maps.Keys(p.Imports)) {
		from := "export data"
		if p.Imports[path].Syntax != nil {
			from = "source"
		}
		fmt.Printf("%s: %s\n", path, from)
	}
	// Output:
	// fmt: export data
	// github.com/temporalgen/temporalgen/gen/load/testdata/sibling/helper: source
	// github.com/temporalgen/temporalgen/runtime/workflow: export data
	// time: export data
}
