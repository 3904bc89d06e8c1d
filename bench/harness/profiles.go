package harness

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// profiles profiles our worker on the workloads whose targets it missed,
// in separate runs so that profiling does not touch the reported figures.
func (h *harness) profiles(ctx context.Context) error {
	r := h.rep
	if r.missed("throughput") {
		// The raw loop is profiled too, to list where ours spends more.
		file, rawFile := h.path("cpu-ours-throughput.pprof"), h.path("cpu-raw-throughput.pprof")
		if _, err := h.throughputRounds(ctx, []string{shape.Ours, shape.Raw}, h.cfg.Workflows, 1, map[string][]string{
			shape.Ours: {"-cpuprofile", file}, shape.Raw: {"-cpuprofile", rawFile},
		}); err != nil {
			return err
		}
		if err := h.addProfile("throughput", fmt.Sprintf("CPU: throughput run (%d workflows)", h.cfg.Workflows), file, ""); err != nil {
			return err
		}
		p := h.rep.Profiles[len(h.rep.Profiles)-1]
		diff, err := h.pprofTop("", "-diff_base", rawFile, file)
		if err != nil {
			return err
		}
		p.Diff = diff
	}
	for _, sh := range Shapes {
		if !r.missed("replay-" + sh) {
			continue
		}
		res := r.Replay[sh][shape.Ours]
		file := h.path("cpu-ours-replay-" + sh + ".pprof")
		// More repetitions than the measurement, for enough samples.
		if _, err := h.replayOne(shape.Ours, res.History, max(20, h.cfg.ReplayReps), []string{"-cpuprofile", file}); err != nil {
			return err
		}
		if err := h.addProfile("replay-"+sh, fmt.Sprintf("CPU: replay of the %s history (%d events)", sh, res.Events), file, ""); err != nil {
			return err
		}
	}
	if r.missed("memory") {
		if m := r.Memory[shape.Ours]; m != nil && m.HeapProfile != "" {
			if err := h.addProfile("memory", fmt.Sprintf("Heap in use with %d parked workflows", m.Parked), m.HeapProfile, "inuse_space"); err != nil {
				return err
			}
		}
	}
	if r.missed("latency") {
		file := h.path("cpu-ours-latency.pprof")
		ops := max(1, h.cfg.LatencyOps/4)
		if _, err := h.latencyRuns(ctx, []string{shape.Ours}, ops, map[string][]string{shape.Ours: {"-cpuprofile", file}}); err != nil {
			return err
		}
		if err := h.addProfile("latency", fmt.Sprintf("CPU: latency run (%d signals, %d updates)", ops, ops), file, ""); err != nil {
			return err
		}
	}
	return nil
}

// pprofTop runs `go tool pprof -top -nodecount=25 args...` on the
// benchworker binary.
func (h *harness) pprofTop(sampleIndex string, args ...string) (string, error) {
	full := []string{"tool", "pprof", "-top", "-nodecount=25"}
	if sampleIndex != "" {
		full = append(full, "-sample_index="+sampleIndex)
	}
	full = append(full, args[:len(args)-1]...)
	full = append(full, h.cfg.WorkerBin, args[len(args)-1])
	out, err := exec.Command("go", full...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(full, " "), err, out)
	}
	return dropHeader(string(out)), nil
}

func (h *harness) addProfile(key, title, file, sampleIndex string) error {
	top := func(extra ...string) (string, error) {
		return h.pprofTop(sampleIndex, append(extra, file)...)
	}
	flat, err := top()
	if err != nil {
		return err
	}
	cum, err := top("-cum")
	if err != nil {
		return err
	}
	h.rep.Profiles = append(h.rep.Profiles, &Profile{Key: key, Title: title, File: file, Top: flat, Cum: cum})
	fmt.Fprintf(h.log, "bench: profile %s (%s):\n%s\n", key, file, flat)
	return nil
}

// dropHeader removes pprof's File/Build ID/Type/Time lines, which name
// temporary paths.
func dropHeader(s string) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(line, "File: ") || strings.HasPrefix(line, "Build ID: ") || strings.HasPrefix(line, "Time: ") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
