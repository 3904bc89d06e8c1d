// Package roots checks where the analysis starts and what it does not
// follow.
package roots

import (
	"many"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var (
	hits  int
	table [3]int
	ptr   *int
)

type doer interface{ Do() }

type clock struct{}

// Do is reached only through an interface: it is not reported.
func (clock) Do() { _ = time.Now() } // want Do:"nondeterministic"

// Roots is a workflow with an init method and a dynamic signal.
//
//temporal:workflow sandboxed=true
type Roots struct {
	d doer
	f func()
}

//temporal:init
func (w *Roots) Init(ctx workflow.Context) { // want Init:"nondeterministic"
	go func() {}() // want `nondeterministic go statement in workflow Roots \(via \(\*Roots\).Init\)`
}

//temporal:run
func (w *Roots) Run(ctx workflow.Context) error { // want Run:"nondeterministic"
	w.d = clock{}
	w.d.Do()                        // an interface call: not followed
	w.f = func() { _ = time.Now() } // want `call to time.Now in workflow Roots \(via \(\*Roots\).Run\)`
	w.f()                           // a function value: not followed
	(hits)++                        // want `write to package variable hits`
	table[1] = 2                    // want `write to package variable table`
	*ptr = 3                        // want `write to package variable ptr`
	many.Var = 4                    // want `write to package variable many.Var`
	many.Nine()                     // want `nondeterministic call to time.Now in workflow Roots \(via \(\*Roots\).Run → many.Nine, at many.go:15:6\) \(and 7 more\): use workflow.Now\(ctx\)`
	recurse(3)
	workflow.Go(ctx, func(ctx workflow.Context) {}) // the runtime is trusted
	return nil
}

func recurse(n int) {
	if n > 0 {
		recurse(n - 1)
	}
	_ = time.Now() // want `call to time.Now in workflow Roots \(via \(\*Roots\).Run → recurse\)`
}

//temporal:signal dynamic
func (w *Roots) Any(ctx workflow.Context, name string) { // want Any:"nondeterministic"
	w.helper()
}

func (w *Roots) helper() {
	select {} // want `select statement in workflow Roots \(via \(\*Roots\).Any → \(\*Roots\).helper\)`
}
