// Package determinism is temporalgen's determinism analyzer, laid out as
// a golang.org/x/tools/go/analysis pass: the Analyzer value, this manual
// (embedded as its Doc), and testdata/src with the analysistest cases
// (`// want` comments) beside it. temporalgen runs it on every package
// with a //temporal:workflow type while generating (gen.Generate) and on
// its own (temporalgen vet); cmd/temporalvet runs it under go vet:
//
//	go vet -vettool=$(which temporalvet) ./...
//
// The seam with the check stage is the directives: the analyzer parses
// the //temporal: comments of the package itself (gen/directive) to find
// its roots, the workflow types and their methods, so it needs nothing
// from the generator and runs in any analysis driver.
//
// # Analyzer temporaldeterminism
//
// temporaldeterminism: report nondeterministic code reachable from Temporal workflows
//
// It checks every function body reachable from the run, init, signal,
// query and update methods and update validators of each
// //temporal:workflow struct type (unless the workflow says
// sandboxed=false), following static calls to functions and methods of the
// same package and, through facts, of other packages. Calls through
// interfaces and function values are not followed; function literals are
// checked as part of the function that contains them.
//
// It reports, with the call chain from the workflow method and a fix:
//
//   - time: time.Now, Since, Until, Sleep, After, Tick, NewTimer,
//     NewTicker, AfterFunc;
//   - rand: math/rand and math/rand/v2 functions, crypto/rand;
//   - io: side effects and environment reads through os, os/exec, net,
//     net/http, io.Copy and friends, ... (see the list in rules.go);
//   - go: go statements;
//   - chan: channel sends and receives, range over a channel;
//   - select: select statements;
//   - map: range over a map (or over maps.Keys, maps.Values, maps.All);
//   - sync: sync.Mutex, RWMutex, WaitGroup, Once, Cond, Map, Pool methods
//     and sync/atomic;
//   - global: assignments and ++/-- to package-level variables.
//
// A //temporal:nondeterministic-ok comment with a reason, at the end of the
// reported line or alone on the line above it, silences the reports of that
// line; without a reason it is reported itself. Standard library packages,
// this module's runtime packages and packages without syntax (gen/load
// imports the standard library, the runtime, go.temporal.io/api, protobuf
// and gRPC from export data) are trusted and not analyzed; calls into them
// are judged by the deny lists.
package determinism
