// Command benchworker is the worker side of `make bench`: one process runs
// one implementation (our runtime, go.temporal.io/sdk, or the raw gRPC
// loop) so that the bench driver can measure its CPU time and memory apart
// from the load generator and the server.
//
// Worker mode (the default) registers every workflow of package shape on
// -tq, starts polling, prints "ready" and then answers commands read from
// standard input, one per line, with one JSON line on standard output:
//
//	stats   shape.Stats: CPU time and peak RSS so far, Park workflows started
//	gc      shape.Mem: RSS and Go heap after runtime.GC (writes -memprofile)
//	quit    stop the worker, write -cpuprofile, exit (also on end of input)
//
// Replay mode (-mode replay) reads a binary History proto from -history and
// replays it -reps times after one warm-up with the implementation's own
// replayer, printing one shape.Replay line.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// started counts Park workflows that ran their first workflow task (not
// replays), so the driver knows when all of them are parked in the cache.
var started atomic.Int64

// runner is one implementation's running worker.
type runner interface {
	Stop()
}

type config struct {
	addr, namespace, taskQueue string
	observe                    bool // metrics and tracing on (observe.go)
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("benchworker: ")
	impl := flag.String("impl", shape.Ours, "implementation: ours, sdk or raw")
	mode := flag.String("mode", "worker", "worker or replay")
	addr := flag.String("addr", "127.0.0.1:7233", "frontend address")
	ns := flag.String("ns", "default", "namespace")
	tq := flag.String("tq", "bench", "task queue")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to `file`")
	memprofile := flag.String("memprofile", "", "write a heap profile to `file` at each gc command")
	history := flag.String("history", "", "replay mode: binary History proto `file`")
	reps := flag.Int("reps", 5, "replay mode: measured repetitions (after one warm-up)")
	observe := flag.Bool("observe", false, "record SDK metrics into OpenTelemetry and trace every workflow and activity (ours and sdk)")
	flag.Parse()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}

	if *mode == "replay" {
		res := replay(*impl, *history, *reps)
		writeJSON(res)
		return
	}

	cfg := config{addr: *addr, namespace: *ns, taskQueue: *tq, observe: *observe}
	var (
		w   runner
		err error
	)
	switch *impl {
	case shape.Ours:
		w, err = startOurs(cfg)
	case shape.SDK:
		w, err = startSDK(cfg)
	case shape.Raw:
		w, err = startRaw(cfg)
	default:
		err = fmt.Errorf("unknown -impl %q", *impl)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ready")

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch strings.TrimSpace(in.Text()) {
		case "stats":
			writeJSON(stats())
		case "gc":
			m := memory()
			if *memprofile != "" {
				if err := writeHeapProfile(*memprofile); err != nil {
					log.Print(err)
				}
			}
			writeJSON(m)
		case "quit":
			w.Stop()
			return
		case "":
		default:
			writeJSON(map[string]string{"error": "unknown command " + strconv.Quote(in.Text())})
		}
	}
	w.Stop()
}

func writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.Write(append(b, '\n'))
}

func stats() shape.Stats {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	samples := []metrics.Sample{
		{Name: "/gc/heap/allocs:bytes"},
		{Name: "/gc/heap/allocs:objects"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(samples)
	return shape.Stats{
		UserMicros: ru.Utime.Sec*1e6 + ru.Utime.Usec,
		SysMicros:  ru.Stime.Sec*1e6 + ru.Stime.Usec,
		MaxRSSKB:   ru.Maxrss,
		Started:    started.Load(),
		AllocBytes: int64(samples[0].Value.Uint64()),
		Allocs:     int64(samples[1].Value.Uint64()),
		GCCycles:   int64(samples[2].Value.Uint64()),
	}
}

func memory() shape.Mem {
	runtime.GC()
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/sched/goroutines:goroutines"},
	}
	metrics.Read(samples)
	return shape.Mem{
		RSSKB:      vmRSS(),
		HeapBytes:  int64(samples[0].Value.Uint64()),
		StackBytes: int64(samples[1].Value.Uint64()),
		Goroutines: int64(samples[2].Value.Uint64()),
	}
}

// vmRSS returns VmRSS from /proc/self/status in KiB (0 if unavailable).
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
