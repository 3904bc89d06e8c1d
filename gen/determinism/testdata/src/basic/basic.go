package basic

import (
	cryptorand "crypto/rand"
	"io"
	"maps"
	"math/rand"
	randv2 "math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var counter int

var registry = map[string]int{}

type state struct{ hits int }

var global state

// Greeter is a workflow.
//
//temporal:workflow
type Greeter struct {
	mu    sync.Mutex
	names map[string]int
	n     atomic.Int64
}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context, in string) (string, error) { // want Run:"nondeterministic"
	_ = time.Now()                    // want `nondeterministic call to time.Now in workflow Greeter \(via \(\*Greeter\).Run\): use workflow.Now\(ctx\)`
	time.Sleep(time.Second)           // want `nondeterministic call to time.Sleep .*: use workflow.Sleep\(ctx, d\)`
	<-time.After(time.Second)         // want `call to time.After` `channel receive`
	_ = time.Since(workflow.Now(ctx)) // want `call to time.Since`
	_ = rand.Intn(3)                  // want `nondeterministic call to math/rand.Intn .*: use workflow.Random\(ctx\)`
	_ = randv2.IntN(3)                // want `call to math/rand/v2.IntN`
	_ = rand.New(rand.NewSource(1))   // seeded generators are deterministic
	buf := make([]byte, 8)
	_, _ = cryptorand.Read(buf) // want `call to crypto/rand.Read`
	_ = workflow.Sleep(ctx, time.Second)
	_ = workflow.Now(ctx).Add(time.Hour).Before(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	g.helper()
	return in, nil
}

// helper is reached from Run, and its chain says so.
func (g *Greeter) helper() {
	_ = os.Getenv("HOME")                 // want `nondeterministic call to os.Getenv in workflow Greeter \(via \(\*Greeter\).Run → \(\*Greeter\).helper\): read it in an activity`
	_, _ = http.Get("http://example.com") // want `call to net/http.Get .*: do I/O in an activity`
	_, _ = io.WriteString(os.Stdout, "x") // want `call to io.WriteString` `use of os.Stdout`
	level2()
}

func level2() {
	go func() {}() // want `nondeterministic go statement in workflow Greeter \(via \(\*Greeter\).Run → \(\*Greeter\).helper → level2\): use workflow.Go\(ctx, fn\)`
}

//temporal:signal
func (g *Greeter) Add(ctx workflow.Context, name string) { // want Add:"nondeterministic"
	ch := make(chan string, 1)
	ch <- name // want `nondeterministic channel send in workflow Greeter \(via \(\*Greeter\).Add\)`
	select {   // want `select statement`
	case <-ch: // want `channel receive`
	default:
	}
	for range ch { // want `range over channel`
	}
	for k := range g.names { // want `nondeterministic range over map in workflow Greeter \(via \(\*Greeter\).Add\): iterate in a fixed order`
		_ = k
	}
	for k := range maps.Keys(g.names) { // want `range over maps.Keys`
		_ = k
	}
	for _, k := range slices.Sorted(maps.Keys(g.names)) {
		_ = k
	}
	for i := range []int{1, 2} {
		_ = i
	}
}

//temporal:query
func (g *Greeter) Count() (int, error) { // want Count:"nondeterministic"
	g.mu.Lock()         // want `nondeterministic call to \(\*sync.Mutex\).Lock in workflow Greeter \(via \(\*Greeter\).Count\): workflow coroutines never run in parallel`
	defer g.mu.Unlock() // want `call to \(\*sync.Mutex\).Unlock`
	g.n.Add(1)          // want `call to \(\*sync/atomic.Int64\).Add`
	return len(g.names), nil
}

//temporal:update validator=CheckBump
func (g *Greeter) Bump(ctx workflow.Context, by int) (int, error) { // want Bump:"nondeterministic"
	counter += by      // want `nondeterministic write to package variable counter in workflow Greeter \(via \(\*Greeter\).Bump\): keep workflow state in the workflow struct`
	counter++          // want `write to package variable counter`
	registry["x"] = by // want `write to package variable registry`
	global.hits = by   // want `write to package variable global`
	local := 0
	local++
	g.names["bumps"]++
	return counter, nil
}

// CheckBump is a validator: a root, too.
func (g *Greeter) CheckBump(by int) error { // want CheckBump:"nondeterministic"
	var once sync.Once
	once.Do(func() {}) // want `nondeterministic call to \(\*sync.Once\).Do in workflow Greeter \(via \(\*Greeter\).CheckBump\)`
	return nil
}

// Unreached is not reachable from a workflow: nothing is reported.
func Unreached() { // want Unreached:"nondeterministic"
	_ = time.Now()
	go func() {}()
}

// Loose turned the sandbox off.
//
//temporal:workflow sandboxed=false
type Loose struct{}

//temporal:run
func (l *Loose) Run(ctx workflow.Context) error { // want Run:"nondeterministic"
	_ = time.Now()
	return nil
}
