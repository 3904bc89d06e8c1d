// Package shape names the workflows, signals, queries and updates that
// every benchmark implementation (our runtime, go.temporal.io/sdk and the
// raw gRPC loop) registers, and the messages exchanged between the bench
// driver and a benchworker child process.
//
// All three implementations register the same names with the same
// behaviour, so the driver can run one workload against any of them.
package shape

// Implementations.
const (
	Ours = "ours"
	SDK  = "sdk"
	Raw  = "raw"
)

// Impls lists the implementations in the order they are run.
var Impls = []string{Ours, SDK, Raw}

// Workflow types.
const (
	// Throughput runs one no-op activity and returns.
	Throughput = "Throughput"
	// Park counts itself as started, then waits for the Wake signal.
	Park = "Park"
	// Latency keeps a counter: SigInc adds one, UpdAdd adds one and
	// returns the new value, QryCount returns it; SigDone ends it.
	Latency = "Latency"
	// RecSignals(n int) waits for n SigS signals (replay history shape 1).
	RecSignals = "RecSignals"
	// RecTimers(batches int) starts batches of TimerBatch parallel 1 ms
	// timers and waits for each batch (shape 2).
	RecTimers = "RecTimers"
	// RecActivities(batches int) starts batches of ActivityBatch parallel
	// no-op activities and waits for each batch (shape 3).
	RecActivities = "RecActivities"
)

// Activity, signal, query and update names.
const (
	Noop     = "Noop"
	SigWake  = "wake"
	SigInc   = "inc"
	SigDone  = "done"
	SigS     = "s"
	QryCount = "count"
	UpdAdd   = "add"
)

// Batch sizes of the replay shapes.
const (
	TimerBatch    = 100
	ActivityBatch = 100
)

// Stats is the benchworker's answer to the "stats" command.
type Stats struct {
	UserMicros int64 `json:"user_us"` // getrusage(RUSAGE_SELF) user time
	SysMicros  int64 `json:"sys_us"`  // getrusage(RUSAGE_SELF) system time
	MaxRSSKB   int64 `json:"maxrss_kb"`
	Started    int64 `json:"started"`     // Park workflows that have run their first task
	AllocBytes int64 `json:"alloc_bytes"` // /gc/heap/allocs:bytes, cumulative
	Allocs     int64 `json:"allocs"`      // /gc/heap/allocs:objects, cumulative
	GCCycles   int64 `json:"gc_cycles"`   // /gc/cycles/total:gc-cycles
}

// Mem is the benchworker's answer to the "gc" command, measured after
// runtime.GC and debug.FreeOSMemory.
type Mem struct {
	RSSKB      int64 `json:"rss_kb"`     // VmRSS of /proc/self/status
	HeapBytes  int64 `json:"heap_bytes"` // /memory/classes/heap/objects:bytes
	StackBytes int64 `json:"stack_bytes"`
	Goroutines int64 `json:"goroutines"`
}

// Replay is the benchworker's answer in replay mode.
type Replay struct {
	Events  int       `json:"events"`
	Seconds []float64 `json:"seconds"` // one per measured repetition (warm-up excluded)
	Error   string    `json:"error,omitempty"`
}

// LocalLatency is what benchworker -mode local-latency prints: the
// start→result time of each measured workflow, run one at a time by a
// starter in the worker's own process.
type LocalLatency struct {
	Millis []float64 `json:"millis"`
	Error  string    `json:"error,omitempty"`
}
