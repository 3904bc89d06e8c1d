// Command chaos runs the chaos suite (package reliability) and prints its
// report as Markdown:
//
//	go run ./reliability/cmd/chaos -n 1000
//
// It needs the Temporal CLI (TEMPORAL_CLI, ./bin/temporal or PATH) and
// exits 1 when a check failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/temporalgen/temporalgen/reliability"
)

func main() {
	if reliability.IsWorkerProcess() {
		os.Exit(reliability.WorkerMain())
	}
	n := flag.Int("n", 1000, "workflows to run")
	conc := flag.Int("concurrency", 50, "workflows in flight at once")
	noFaults := flag.Bool("no-faults", false, "run without faults (a baseline)")
	timeout := flag.Duration("timeout", 20*time.Minute, "bound of the whole run")
	keep := flag.Bool("keep", false, "keep the directory with the database and worker logs")
	flag.Parse()

	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "chaos-")
	if err != nil {
		log.Fatal(err)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	rep, err := reliability.Run(context.Background(), reliability.Config{
		Workflows: *n, Concurrency: *conc, Exe: exe, Dir: dir, NoFaults: *noFaults, Timeout: *timeout,
		Logf: func(format string, args ...any) { log.Printf(format, args...) },
	})
	if rep != nil {
		fmt.Print(rep.Markdown())
	}
	if err != nil {
		log.Printf("chaos run failed (logs in %s): %v", dir, err)
		if !*keep {
			log.Printf("rerun with -keep to keep the logs")
		}
		os.Exit(1)
	}
}
