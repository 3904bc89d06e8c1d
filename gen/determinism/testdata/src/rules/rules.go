// Package rules has one line per deny-list rule that package basic does
// not cover, and the allowed neighbours of those rules.
package rules

import (
	cryptorand "crypto/rand"
	"io"
	"io/ioutil"
	"maps"
	randv2 "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Rules is a workflow whose run method breaks every rule once.
//
//temporal:workflow
type Rules struct {
	m     map[string]int
	total int64
}

//temporal:run
func (r *Rules) Run(ctx workflow.Context) error { // want Run:"nondeterministic"
	r.timers()
	r.env()
	r.network()
	r.locks()
	r.maps()
	return nil
}

func (r *Rules) timers() {
	_ = time.Until(time.Time{})        // want `call to time.Until .*: use workflow.Now\(ctx\)`
	_ = time.Tick(time.Second)         // want `call to time.Tick .*: use workflow.NewTimer\(ctx, d\)`
	_ = time.NewTimer(time.Second)     // want `call to time.NewTimer`
	_ = time.NewTicker(time.Second)    // want `call to time.NewTicker`
	_ = time.AfterFunc(0, func() {})   // want `call to time.AfterFunc`
	_ = time.Duration(3) * time.Second // duration arithmetic is pure
	_, _ = time.Parse(time.RFC3339, "2030-01-01T00:00:00Z")
	_ = randv2.New(randv2.NewPCG(1, 2)).IntN(3) // a seeded generator is deterministic
	_, _ = io.ReadFull(cryptorand.Reader, nil)  // want `use of crypto/rand.Reader .*: use workflow.Random\(ctx\)`
}

func (r *Rules) env() {
	_ = os.Args                               // want `use of os.Args .*: read it in an activity or pass it in the workflow input`
	_, _ = os.Hostname()                      // want `call to os.Hostname .*: read it in an activity`
	f, err := os.Open("x")                    // want `call to os.Open .*: do I/O in an activity`
	_ = os.IsNotExist(err)                    // error predicates are pure
	_ = f.Close()                             // want `call to \(\*os.File\).Close`
	_ = exec.Command("true").Run()            // want `call to os/exec.Command` `call to \(\*os/exec.Cmd\).Run`
	_, _ = user.Current()                     // want `call to os/user.Current`
	_ = syscall.Getpid()                      // want `call to syscall.Getpid`
	_, _ = ioutil.ReadFile("x")               // want `call to io/ioutil.ReadFile`
	_ = ioutil.NopCloser(nil)                 // in-memory helper
	_, _ = io.Copy(io.Discard, nil)           // want `call to io.Copy`
	_, _ = io.ReadAll(strings.NewReader("x")) // reading memory is fine
}

func (r *Rules) network() {
	c, _ := net.Dial("tcp", "x:1") // want `call to net.Dial`
	_ = c.Close()                  // an interface method: not followed
	_ = net.ParseIP("127.0.0.1")   // pure
	var tc *net.TCPConn
	_ = tc.CloseRead() // want `call to \(\*net.TCPConn\).CloseRead`
	var d net.Dialer
	_, _ = d.Dial("tcp", "x:1")                       // want `call to \(\*net.Dialer\).Dial`
	req, _ := http.NewRequest("GET", "http://x", nil) // building a request is pure
	_, _ = http.DefaultClient.Do(req)                 // want `call to \(\*net/http.Client\).Do`
	_ = http.ListenAndServe(":0", nil)                // want `call to net/http.ListenAndServe`
}

func (r *Rules) locks() {
	var wg sync.WaitGroup
	wg.Add(1) // want `call to \(\*sync.WaitGroup\).Add .*: workflow coroutines never run in parallel: drop the lock`
	var rw sync.RWMutex
	rw.RLock() // want `call to \(\*sync.RWMutex\).RLock`
	var sm sync.Map
	sm.Load("k")                 // want `call to \(\*sync.Map\).Load`
	_ = sync.OnceFunc(func() {}) // want `call to sync.OnceFunc`
	_ = sync.NewCond(&rw)        // want `call to sync.NewCond`
	atomic.AddInt64(&r.total, 1) // want `call to sync/atomic.AddInt64 .*: use a plain variable in the workflow struct`
}

func (r *Rules) maps() {
	for v := range maps.Values(r.m) { // want `range over maps.Values`
		_ = v
	}
	for k, v := range maps.All(r.m) { // want `range over maps.All`
		_, _ = k, v
	}
}
