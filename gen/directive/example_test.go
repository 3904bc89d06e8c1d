package directive_test

import (
	"fmt"
	"go/parser"
	"go/token"

	"github.com/temporalgen/temporalgen/gen/directive"
)

func ExampleParseFile() {
	const src = `package greet

//temporal:workflow task_queue=greetings
type Greeter struct{}

//temporal:signal description="add a name" unfinshed=abandon
func (g *Greeter) AddName() {}
`
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "greet.go", src, parser.ParseComments)
	file, errs := directive.ParseFile(fset, f)
	for _, d := range file.Decls {
		fmt.Printf("%s on %s: %d option(s)\n", d.Kind, d.Name(), len(d.Args))
	}
	for _, err := range errs {
		fmt.Println(err)
	}
	// Output:
	// workflow on Greeter: 1 option(s)
	// signal on AddName: 1 option(s)
	// greet.go:6:44: unknown option "unfinshed" for //temporal:signal: did you mean "unfinished"?
}
