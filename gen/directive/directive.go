// Package directive parses temporalgen's //temporal: comment directives.
//
// A directive is a line comment of the form
//
//	//temporal:KIND key=value key="quoted value" flag
//
// placed in the doc comment of the declaration it applies to, that is,
// directly above it with no blank line in between (other doc comment lines
// may come before or after it). The kinds and their options are:
//
//	workflow   on a struct type  name=, dynamic, sandboxed=true|false,
//	                             failure_errors=T1,T2, versioning=pinned|auto_upgrade,
//	                             task_queue=
//	init       on a method
//	run        on a method
//	signal     on a method       name=, dynamic, unfinished=warn|abandon, description=
//	query      on a method       name=, dynamic, description=
//	update     on a method       name=, dynamic, unfinished=warn|abandon, description=,
//	                             validator=Method
//	activity   on a function     name=
//	           on a struct type  prefix=
//	nexus      on a struct type  name=
//	           or interface type
//	operation  on a method       name=
//	           or interface method
//
// An operation directive goes on a method of a nexus struct type, or on
// a method inside a nexus interface type, in the method's doc comment
// there (the only directive allowed inside a type declaration); gen/check
// reports one on any other type.
//
// Values are either bare words (no spaces or quotes) or Go double-quoted
// strings. Flags take no value. A declaration carries at most one
// directive.
//
// The determinism analyzer's escape hatch is the odd one out: it is not
// attached to a declaration but to a statement, at the end of its line or
// alone on the line above it, and everything after the kind is a free-form
// reason, which is required:
//
//	t := time.Now() //temporal:nondeterministic-ok only logged, never branched on
//
// [ParseFile] finds every directive of a file, checks its syntax, options
// and placement and reports all problems as positioned errors
// (*model.Error) pointing at the offending token.
package directive

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Prefix starts every directive.
const Prefix = "//temporal:"

// Kind is the kind of a directive: the word after "//temporal:".
type Kind string

// The directive kinds.
const (
	Workflow           Kind = "workflow"
	Init               Kind = "init"
	Run                Kind = "run"
	Signal             Kind = "signal"
	Query              Kind = "query"
	Update             Kind = "update"
	Activity           Kind = "activity"
	Nexus              Kind = "nexus"
	Operation          Kind = "operation"
	NondeterministicOK Kind = "nondeterministic-ok"
)

// Kinds returns every directive kind, in documentation order.
func Kinds() []Kind {
	return []Kind{Workflow, Init, Run, Signal, Query, Update, Activity, Nexus, Operation, NondeterministicOK}
}

// Directive is one parsed //temporal: comment.
type Directive struct {
	Kind    Kind
	Pos     token.Pos // start of the comment ("//")
	KindPos token.Pos // start of KIND
	End     token.Pos // end of the comment
	Args    []Arg     // options in source order; malformed ones are dropped
	Reason  string    // NondeterministicOK only: the text after the kind
}

// Arg is one option of a directive.
type Arg struct {
	Key      string
	KeyPos   token.Pos
	Value    string // unquoted
	ValuePos token.Pos
	HasValue bool // key=value rather than a bare flag
	Quoted   bool // the value was written as a quoted string
}

// Lookup returns the option named key.
func (d *Directive) Lookup(key string) (Arg, bool) {
	for _, a := range d.Args {
		if a.Key == key {
			return a, true
		}
	}
	return Arg{}, false
}

// Flag reports whether the flag key is present.
func (d *Directive) Flag(key string) bool {
	_, ok := d.Lookup(key)
	return ok
}

// Value returns the value of option key, or "".
func (d *Directive) Value(key string) string {
	a, _ := d.Lookup(key)
	return a.Value
}

// keySpec describes one option of a directive kind.
type keySpec struct {
	name   string
	flag   bool     // takes no value
	values []string // allowed values, nil for any non-empty value
}

// keysOf returns the options valid for kind k.
func keysOf(k Kind) []keySpec {
	name := keySpec{name: "name"}
	dynamic := keySpec{name: "dynamic", flag: true}
	description := keySpec{name: "description"}
	unfinished := keySpec{name: "unfinished", values: []string{"warn", "abandon"}}
	switch k {
	case Workflow:
		return []keySpec{name, dynamic,
			{name: "sandboxed", values: []string{"true", "false"}},
			{name: "failure_errors"},
			{name: "versioning", values: []string{"pinned", "auto_upgrade"}},
			{name: "task_queue"}}
	case Signal:
		return []keySpec{name, dynamic, unfinished, description}
	case Query:
		return []keySpec{name, dynamic, description}
	case Update:
		return []keySpec{name, dynamic, unfinished, description, {name: "validator"}}
	case Activity:
		return []keySpec{name, {name: "prefix"}}
	case Nexus, Operation:
		return []keySpec{name}
	}
	return nil
}

// Parse parses the comment c. It returns nil and no errors if c is not a
// directive. A directive with errors is still returned, without its
// malformed options, unless its kind is unknown.
func Parse(fset *token.FileSet, c *ast.Comment) (*Directive, []error) {
	if !strings.HasPrefix(c.Text, Prefix) {
		return nil, nil
	}
	p := scanner{fset: fset, base: c.Slash, text: c.Text, i: len(Prefix)}
	return p.parse()
}

type scanner struct {
	fset *token.FileSet
	base token.Pos
	text string
	i    int
	errs []error
}

func (p *scanner) pos(i int) token.Pos { return p.base + token.Pos(i) }

func (p *scanner) errorf(i int, format string, args ...any) {
	p.errs = append(p.errs, errorAt(p.fset, p.pos(i), format, args...))
}

func errorAt(fset *token.FileSet, pos token.Pos, format string, args ...any) *model.Error {
	return model.Errorf(Position(fset, pos), format, args...)
}

// Position converts pos to a model.Pos.
func Position(fset *token.FileSet, pos token.Pos) model.Pos {
	p := fset.Position(pos)
	return model.Pos{File: p.Filename, Line: p.Line, Col: p.Column}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' }

func (p *scanner) parse() (*Directive, []error) {
	start := p.i
	for p.i < len(p.text) && !isSpace(p.text[p.i]) {
		p.i++
	}
	word := p.text[start:p.i]
	d := &Directive{Kind: Kind(word), Pos: p.base, KindPos: p.pos(start), End: p.pos(len(p.text))}
	if word == "" {
		p.errorf(start, "missing directive kind after //temporal: (want one of %s)", kindList())
		return nil, p.errs
	}
	if !slices.Contains(Kinds(), d.Kind) {
		var names []string
		for _, k := range Kinds() {
			names = append(names, string(k))
		}
		msg := fmt.Sprintf("unknown directive //temporal:%s", word)
		if s := Suggest(word, names); s != "" {
			msg += fmt.Sprintf(": did you mean //temporal:%s?", s)
		} else {
			msg += fmt.Sprintf(" (want one of %s)", kindList())
		}
		p.errorf(start, "%s", msg)
		return nil, p.errs
	}
	if d.Kind == NondeterministicOK {
		d.Reason = strings.TrimSpace(p.text[p.i:])
		if d.Reason == "" {
			p.errorf(start, "//temporal:nondeterministic-ok needs a reason: write //temporal:nondeterministic-ok <why this is safe>")
		}
		return d, p.errs
	}
	specs := keysOf(d.Kind)
	for {
		for p.i < len(p.text) && isSpace(p.text[p.i]) {
			p.i++
		}
		if p.i >= len(p.text) {
			break
		}
		if a, ok := p.arg(d, specs); ok {
			d.Args = append(d.Args, a)
		}
	}
	return d, p.errs
}

func kindList() string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// arg parses one option at p.i and validates it against specs.
func (p *scanner) arg(d *Directive, specs []keySpec) (Arg, bool) {
	keyStart := p.i
	for p.i < len(p.text) && !isSpace(p.text[p.i]) && p.text[p.i] != '=' {
		p.i++
	}
	a := Arg{Key: p.text[keyStart:p.i], KeyPos: p.pos(keyStart)}
	valueOK := true
	if p.i < len(p.text) && p.text[p.i] == '=' {
		p.i++
		a.HasValue = true
		a.ValuePos = p.pos(p.i)
		a.Quoted = p.i < len(p.text) && p.text[p.i] == '"'
		a.Value, valueOK = p.value(a.Key)
	}
	if a.Key == "" {
		p.errorf(keyStart, "missing option name before '=' in //temporal:%s", d.Kind)
		return a, false
	}
	i := slices.IndexFunc(specs, func(s keySpec) bool { return s.name == a.Key })
	if i < 0 {
		msg := fmt.Sprintf("unknown option %q for //temporal:%s", a.Key, d.Kind)
		var names []string
		for _, s := range specs {
			names = append(names, s.name)
		}
		switch {
		case len(names) == 0:
			msg += ": it takes no options"
		case Suggest(a.Key, names) != "":
			msg += fmt.Sprintf(": did you mean %q?", Suggest(a.Key, names))
		default:
			msg += fmt.Sprintf(" (want one of %s)", strings.Join(names, ", "))
		}
		p.errorf(keyStart, "%s", msg)
		return a, false
	}
	if !valueOK {
		return a, false
	}
	spec := specs[i]
	if _, dup := d.Lookup(a.Key); dup {
		p.errorf(keyStart, "duplicate option %q in //temporal:%s", a.Key, d.Kind)
		return a, false
	}
	switch {
	case spec.flag && a.HasValue:
		p.errorf(keyStart, "option %q of //temporal:%s is a flag and takes no value: write just %s", a.Key, d.Kind, a.Key)
		return a, false
	case !spec.flag && !a.HasValue:
		p.errorf(keyStart, "option %q of //temporal:%s needs a value: write %s=%s", a.Key, d.Kind, a.Key, placeholder(spec))
		return a, false
	case !spec.flag && a.Value == "":
		p.errorf(keyStart, "option %q of //temporal:%s has an empty value: write %s=%s", a.Key, d.Kind, a.Key, placeholder(spec))
		return a, false
	case spec.values != nil && !slices.Contains(spec.values, a.Value):
		p.errs = append(p.errs, errorAt(p.fset, a.ValuePos, "invalid value %q for option %q of //temporal:%s: want %s", a.Value, a.Key, d.Kind, strings.Join(spec.values, " or ")))
		return a, false
	}
	return a, true
}

func placeholder(s keySpec) string {
	if s.values != nil {
		return strings.Join(s.values, "|")
	}
	return "VALUE"
}

// value parses a bare or double-quoted value at p.i.
func (p *scanner) value(key string) (string, bool) {
	start := p.i
	if p.i < len(p.text) && p.text[p.i] == '"' {
		p.i++
		for p.i < len(p.text) && p.text[p.i] != '"' {
			if p.text[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		if p.i >= len(p.text) {
			p.i = len(p.text)
			p.errorf(start, "bad quoting in value of %q: missing closing quote", key)
			return "", false
		}
		p.i++
		lit := p.text[start:p.i]
		if p.i < len(p.text) && !isSpace(p.text[p.i]) {
			p.errorf(p.i, "bad quoting in value of %q: unexpected text after closing quote (separate options with spaces)", key)
			p.skipWord()
			return "", false
		}
		v, err := strconv.Unquote(lit)
		if err != nil {
			p.errorf(start, "bad quoting in value of %q: %s is not a valid Go string literal", key, lit)
			return "", false
		}
		return v, true
	}
	p.skipWord()
	v := p.text[start:p.i]
	if j := strings.IndexByte(v, '"'); j >= 0 {
		p.errorf(start+j, "bad quoting in value of %q: quote the whole value, as in %s=\"...\"", key, key)
		return "", false
	}
	return v, true
}

func (p *scanner) skipWord() {
	for p.i < len(p.text) && !isSpace(p.text[p.i]) {
		p.i++
	}
}

// Suggest returns the candidate closest to s by edit distance, if it is
// close enough to be a plausible typo, or "".
func Suggest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(s), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(1, min(len(s), len(best))/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// distance is the edit distance between a and b, in bytes, counting
// insertions, deletions, substitutions and swaps of adjacent bytes.
func distance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}
