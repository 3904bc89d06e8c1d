package sm

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// exercised collects every transition any test's Machines took.
var exercised = struct {
	sync.Mutex
	set map[Transition]bool
}{set: make(map[Transition]bool)}

func observed(tr Transition) {
	exercised.Lock()
	exercised.set[tr] = true
	exercised.Unlock()
}

// newMachines returns machines that report their transitions to the
// coverage check. Tests use it instead of New.
func newMachines() *Machines {
	ms := New()
	ms.Observe(observed)
	return ms
}

// coverageWanted is set by TestTransitionCoverage: only a run that
// includes it checks coverage, so that -run picking a few tests does not
// fail for transitions those tests do not take.
var coverageWanted bool

// TestMain runs the tests, then fails the run if a declared transition was
// never taken by any of them (the sdk-core idea: a table row no test
// drives is either dead or untested).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && coverageWanted {
		if missing := neverExercised(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "--- FAIL: TestTransitionCoverage: %d declared transitions were never exercised:\n\t%s\n",
				len(missing), strings.Join(missing, "\n\t"))
			fmt.Println("FAIL")
			code = 1
		}
	}
	os.Exit(code)
}

func neverExercised() []string {
	exercised.Lock()
	defer exercised.Unlock()
	var out []string
	for _, tab := range tables() {
		for _, tr := range tab.declared() {
			if !exercised.set[tr] {
				out = append(out, fmt.Sprintf("%s: %s --%s--> %s", tr.Machine, tr.From, tr.Trigger, tr.To))
			}
		}
	}
	return out
}

// TestTransitionCoverage checks the tables themselves and asks TestMain to
// check, once every test ran, that each declared transition was taken.
func TestTransitionCoverage(t *testing.T) {
	seen := make(map[string]bool)
	for _, tab := range tables() {
		d := tab.declared()
		if len(d) == 0 {
			t.Fatalf("a table declares no transitions")
		}
		if seen[d[0].Machine] {
			t.Errorf("two tables are named %q", d[0].Machine)
		}
		seen[d[0].Machine] = true
	}
	coverageWanted = true
}

// An observed transition that no table declares would mean fire let an
// undeclared move through.
func TestObservedTransitionsAreDeclared(t *testing.T) {
	declared := make(map[Transition]bool)
	for _, tab := range tables() {
		for _, tr := range tab.declared() {
			declared[tr] = true
		}
	}
	exercised.Lock()
	defer exercised.Unlock()
	var extra []string
	for tr := range exercised.set {
		if !declared[tr] {
			extra = append(extra, fmt.Sprint(tr))
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Fatalf("observed but not declared: %v", extra)
	}
}
