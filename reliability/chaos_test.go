package reliability_test

import (
	"context"
	"os"
	"testing"

	"github.com/temporalgen/temporalgen/reliability"
)

func TestMain(m *testing.M) {
	if reliability.IsWorkerProcess() {
		os.Exit(reliability.WorkerMain())
	}
	os.Exit(m.Run())
}

// TestChaosShort is the short form of the chaos suite: 100 workflows
// through the whole fault schedule (`make chaos` runs 1,000).
func TestChaosShort(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rep, err := reliability.Run(context.Background(), reliability.Config{
		Workflows: 100, Exe: exe, ExeArgs: []string{"-test.run=^$"}, Dir: dir, Logf: t.Logf,
	})
	if rep != nil {
		t.Logf("report:\n%s", rep.Markdown())
	}
	if err != nil {
		if logs, rerr := os.ReadFile(dir + "/workers.log"); rerr == nil {
			t.Logf("worker logs (last 4 KiB):\n%s", tail(logs, 4096))
		}
		t.Fatal(err)
	}
	if rep.Completed != 100 || len(rep.FaultTimings) != 4 {
		t.Errorf("completed %d of 100 with %d faults fired, want 100 and 4", rep.Completed, len(rep.FaultTimings))
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
