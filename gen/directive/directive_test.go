package directive

import (
	"fmt"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// parseOne parses a single directive comment written as line 1 of a file.
func parseOne(t *testing.T, text string) (*Directive, []string) {
	t.Helper()
	fset := token.NewFileSet()
	src := "package p\n" + text + "\n"
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	d, errs := Parse(fset, f.Comments[0].List[0])
	return d, errStrings(errs)
}

func errStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestParseOK(t *testing.T) {
	for _, tc := range []struct {
		text string
		kind Kind
		args string // key=value|... as parsed
	}{
		{`//temporal:workflow`, Workflow, ""},
		{`//temporal:workflow name=Greet dynamic`, Workflow, "name=Greet|dynamic"},
		{`//temporal:workflow   sandboxed=false	failure_errors=ErrA,ErrB versioning=auto_upgrade task_queue=q1`, Workflow,
			"sandboxed=false|failure_errors=ErrA,ErrB|versioning=auto_upgrade|task_queue=q1"},
		{`//temporal:signal description="add a \"name\"" unfinished=abandon`, Signal, `description=add a "name"|unfinished=abandon`},
		{`//temporal:query name="with space"`, Query, "name=with space"},
		{`//temporal:update validator=Check name=rename`, Update, "validator=Check|name=rename"},
		{`//temporal:activity prefix=Acct.`, Activity, "prefix=Acct."},
		{`//temporal:run`, Run, ""},
		{`//temporal:init`, Init, ""},
		{`//temporal:nexus name=billing`, Nexus, "name=billing"},
		{`//temporal:operation name="charge-card"`, Operation, "name=charge-card"},
	} {
		d, errs := parseOne(t, tc.text)
		if len(errs) > 0 || d == nil {
			t.Errorf("%s: unexpected errors %v", tc.text, errs)
			continue
		}
		var got []string
		for _, a := range d.Args {
			if a.HasValue {
				got = append(got, a.Key+"="+a.Value)
			} else {
				got = append(got, a.Key)
			}
		}
		if d.Kind != tc.kind || strings.Join(got, "|") != tc.args {
			t.Errorf("%s: got %s %q, want %s %q", tc.text, d.Kind, strings.Join(got, "|"), tc.kind, tc.args)
		}
	}
}

func TestParseNotDirective(t *testing.T) {
	for _, text := range []string{`// temporal:workflow`, `//go:generate x`, `// plain`, `//temporalworkflow`} {
		d, errs := parseOne(t, text)
		if d != nil || errs != nil {
			t.Errorf("%s: got %v %v, want nothing", text, d, errs)
		}
	}
}

func TestParseReason(t *testing.T) {
	d, errs := parseOne(t, `//temporal:nondeterministic-ok   read once at start, stored in state  `)
	if len(errs) > 0 || d.Reason != "read once at start, stored in state" {
		t.Errorf("reason %q, errors %v", d.Reason, errs)
	}
}

func TestParseErrors(t *testing.T) {
	// Columns: the comment starts at 2:1; "//temporal:" is 11 bytes, so the
	// kind starts at column 12.
	for _, tc := range []struct {
		text string
		want string
	}{
		{`//temporal:`, `x.go:2:12: missing directive kind after //temporal: (want one of workflow, init, run, signal, query, update, activity, nexus, operation, nondeterministic-ok)`},
		{`//temporal:sginal`, `x.go:2:12: unknown directive //temporal:sginal: did you mean //temporal:signal?`},
		{`//temporal:frobnicate`, `x.go:2:12: unknown directive //temporal:frobnicate (want one of workflow, init, run, signal, query, update, activity, nexus, operation, nondeterministic-ok)`},
		{`//temporal:signal descripton="x"`, `x.go:2:19: unknown option "descripton" for //temporal:signal: did you mean "description"?`},
		{`//temporal:signal colour=red`, `x.go:2:19: unknown option "colour" for //temporal:signal (want one of name, dynamic, unfinished, description)`},
		{`//temporal:run name=x`, `x.go:2:16: unknown option "name" for //temporal:run: it takes no options`},
		{`//temporal:signal name`, `x.go:2:19: option "name" of //temporal:signal needs a value: write name=VALUE`},
		{`//temporal:signal name=`, `x.go:2:19: option "name" of //temporal:signal has an empty value: write name=VALUE`},
		{`//temporal:signal unfinished`, `x.go:2:19: option "unfinished" of //temporal:signal needs a value: write unfinished=warn|abandon`},
		{`//temporal:signal description="open`, `x.go:2:31: bad quoting in value of "description": missing closing quote`},
		{`//temporal:signal description=say"hi"`, `x.go:2:34: bad quoting in value of "description": quote the whole value, as in description="..."`},
		{`//temporal:signal description="a"b`, `x.go:2:34: bad quoting in value of "description": unexpected text after closing quote (separate options with spaces)`},
		{`//temporal:signal description="\q"`, `x.go:2:31: bad quoting in value of "description": "\q" is not a valid Go string literal`},
		{`//temporal:signal name=a name=b`, `x.go:2:26: duplicate option "name" in //temporal:signal`},
		{`//temporal:signal dynamic=true`, `x.go:2:19: option "dynamic" of //temporal:signal is a flag and takes no value: write just dynamic`},
		{`//temporal:workflow sandboxed`, `x.go:2:21: option "sandboxed" of //temporal:workflow needs a value: write sandboxed=true|false`},
		{`//temporal:workflow versioning=sticky`, `x.go:2:32: invalid value "sticky" for option "versioning" of //temporal:workflow: want pinned or auto_upgrade`},
		{`//temporal:update unfinished="sometimes"`, `x.go:2:30: invalid value "sometimes" for option "unfinished" of //temporal:update: want warn or abandon`},
		{`//temporal:query =x`, `x.go:2:18: missing option name before '=' in //temporal:query`},
		{`//temporal:nexus prefix=x`, `x.go:2:18: unknown option "prefix" for //temporal:nexus (want one of name)`},
		{`//temporal:operation nam=x`, `x.go:2:22: unknown option "nam" for //temporal:operation: did you mean "name"?`},
		{`//temporal:operation name`, `x.go:2:22: option "name" of //temporal:operation needs a value: write name=VALUE`},
		{`//temporal:nondeterministic-ok`, `x.go:2:12: //temporal:nondeterministic-ok needs a reason: write //temporal:nondeterministic-ok <why this is safe>`},
	} {
		_, errs := parseOne(t, tc.text)
		if len(errs) != 1 || errs[0] != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.text, errs, tc.want)
		}
	}
}

func TestParseCollectsAllErrors(t *testing.T) {
	d, errs := parseOne(t, `//temporal:update nme=x validator dynamic=1 description="ok"`)
	if len(errs) != 3 {
		t.Fatalf("got %d errors, want 3: %q", len(errs), errs)
	}
	if d == nil || d.Value("description") != "ok" || len(d.Args) != 1 {
		t.Errorf("valid options not kept: %+v", d)
	}
}

const placementSrc = `package p

import "time"

// Greeter greets.
//temporal:workflow name=Hello
type Greeter struct{}

//temporal:run
// Run runs.
func (g *Greeter) Run() {
	_ = time.Now() //temporal:nondeterministic-ok logged only
	//temporal:nondeterministic-ok next line
	_ = time.Now()
}

//temporal:signal

func (g *Greeter) Detached() {}

//temporal:signal
func Free() {}

//temporal:workflow
type NotStruct int

type (
	//temporal:workflow
	Grouped struct{}
	//temporal:activity
	Acts struct{}
)

//temporal:activity
func (g *Greeter) Act() {}

//temporal:activity name=x
type BadActs struct{}

//temporal:activity prefix=x
func BadFunc() {}

//temporal:query
//temporal:signal
func (g *Greeter) Both() {}

//temporal:query
//temporal:query
func (g *Greeter) Twice() {}

//temporal:nondeterministic-ok not in a body
var v = 1

//temporal:run
var w = 2
`

func TestParseFilePlacement(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", placementSrc, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got, errs := ParseFile(fset, f)
	want := []string{
		`x.go:17:1: misplaced //temporal:signal directive: must be directly above a method`,
		`x.go:21:1: misplaced //temporal:signal directive: must be directly above a method`,
		`x.go:24:1: misplaced //temporal:workflow directive: must be directly above a struct type declaration`,
		`x.go:34:1: misplaced //temporal:activity directive: must be directly above a function or a struct type declaration (to make methods activities, put it on their struct type)`,
		`x.go:37:1: option "name" of //temporal:activity is for functions: use prefix= on a struct type`,
		`x.go:40:1: option "prefix" of //temporal:activity is for struct types: use name= on a function`,
		`x.go:44:1: conflicting directives //temporal:query and //temporal:signal: a declaration takes only one`,
		`x.go:48:1: duplicate //temporal:query directive`,
		`x.go:51:1: misplaced //temporal:nondeterministic-ok directive: must be inside a function body, at the end of a statement's line or on the line above it`,
		`x.go:54:1: misplaced //temporal:run directive: must be directly above a method`,
	}
	if g, w := strings.Join(errStrings(errs), "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("errors:\n%s\nwant:\n%s", g, w)
	}
	var decls []string
	for _, d := range got.Decls {
		decls = append(decls, string(d.Kind)+" "+d.Name())
	}
	wantDecls := "workflow Greeter|run Run|workflow Grouped|activity Acts|query Both|query Twice"
	if g := strings.Join(decls, "|"); g != wantDecls {
		t.Errorf("decls = %s, want %s", g, wantDecls)
	}
	if len(got.Escapes) != 2 || got.Escapes[0].Reason != "logged only" {
		t.Errorf("escapes = %+v", got.Escapes)
	}
	if got.Decls[0].Value("name") != "Hello" {
		t.Errorf("workflow name = %q", got.Decls[0].Value("name"))
	}
}

const nexusPlacementSrc = `package p

import "context"

//temporal:nexus name=billing
type Billing interface {
	// Charge charges.
	//temporal:operation name=charge
	Charge(ctx context.Context, n int) (int, error)
	//temporal:signal
	Refund(ctx context.Context, n int) error
	//temporal:operation
	fmt.Stringer
}

type (
	//temporal:nexus
	Grouped struct{}
	Inner   interface {
		//temporal:operation
		M(ctx context.Context, s string) error
	}
)

//temporal:operation
func (b *Grouped) Op(ctx context.Context, s string) error { return nil }

//temporal:operation
func Free(ctx context.Context, s string) error { return nil }

//temporal:nexus
type NotAType int

//temporal:nexus
func NotAFunc() {}
`

func TestParseFileNexusPlacement(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", nexusPlacementSrc, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got, errs := ParseFile(fset, f)
	want := []string{
		`x.go:10:2: misplaced //temporal:signal directive: must be directly above a method, not a method of an interface`,
		`x.go:12:2: misplaced //temporal:operation directive: must be directly above a method of a //temporal:nexus type (or a method in a //temporal:nexus interface)`,
		`x.go:28:1: misplaced //temporal:operation directive: must be directly above a method of a //temporal:nexus type (or a method in a //temporal:nexus interface)`,
		`x.go:31:1: misplaced //temporal:nexus directive: must be directly above a struct or interface type declaration`,
		`x.go:34:1: misplaced //temporal:nexus directive: must be directly above a struct or interface type declaration`,
	}
	if g, w := strings.Join(errStrings(errs), "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("errors:\n%s\nwant:\n%s", g, w)
	}
	var decls []string
	for _, d := range got.Decls {
		decls = append(decls, fmt.Sprintf("%s %s.%s@%s", d.Kind, d.Receiver(), d.Name(), fset.Position(d.NamePos())))
	}
	wantDecls := "nexus .Billing@x.go:6:6|operation Billing.Charge@x.go:9:2|nexus .Grouped@x.go:18:2|operation Inner.M@x.go:21:3|operation Grouped.Op@x.go:26:19"
	if g := strings.Join(decls, "|"); g != wantDecls {
		t.Errorf("decls = %s, want %s", g, wantDecls)
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"name", "dynamic", "unfinished", "description", "validator"}
	for in, want := range map[string]string{
		"nmae": "name", "Name": "name", "descripton": "description", "validater": "validator",
		"dynamc": "dynamic", "zzz": "", "x": "", "finished": "unfinished",
	} {
		if got := Suggest(in, keys); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
