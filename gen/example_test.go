package gen_test

import (
	"fmt"
	"log"
	"os"

	"github.com/temporalgen/temporalgen/gen"
)

// Generate returns results and never writes: the caller decides what to do
// with errors and files.
func ExampleGenerate() {
	res, err := gen.Generate(gen.Config{Dir: "../testdata", Patterns: []string{"./ErrTwoRuns"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range res.Errors {
		fmt.Fprintln(os.Stderr, e) // file:line:col: message
	}
	fmt.Println(len(res.Errors), "error(s),", len(res.Files), "file(s)")
	// Output: 1 error(s), 0 file(s)
}
