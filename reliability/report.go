package reliability

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// FaultTiming is when one fault fired and what followed.
type FaultTiming struct {
	Name      string
	At        time.Duration // since the start of the run
	Took      time.Duration // to carry out (a restart's wait for the server included)
	Completed int           // workflows completed when it fired
	// NextCompletion is the time from the end of the fault to the next
	// workflow that completed.
	NextCompletion time.Duration
	Err            error
}

// Report is the outcome of a chaos run.
type Report struct {
	Workflows int
	Faults    bool
	Elapsed   time.Duration
	Completed int // workflows that completed with a correct result

	FaultTimings []FaultTiming
	Outcomes     []Outcome // by completion time

	UpdateRetries    int // update calls that failed and were sent again with the same ID
	SignalErrors     int // signal calls that returned an error
	TaskFailures     int // WorkflowTaskFailed events (none may be nondeterminism)
	TaskTimeouts     int // WorkflowTaskTimedOut events
	ActivityTimeouts int // ActivityTaskTimedOut events

	// Throughput in completed workflows per second between the first
	// completion and the first fault, and after the last fault.
	Before, After float64

	failures []string
}

func (r *Report) fail(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// Failures lists every failed check.
func (r *Report) Failures() []string { return r.failures }

// Err is nil when every check passed, else an error listing the first
// failures.
func (r *Report) Err() error {
	for _, ft := range r.FaultTimings {
		if ft.Err != nil {
			r.fail("fault %q: %v", ft.Name, ft.Err)
		}
	}
	if len(r.failures) == 0 {
		return nil
	}
	shown := r.failures
	if len(shown) > 10 {
		shown = shown[:10]
	}
	return errors.New(fmt.Sprintf("%d checks failed:\n  ", len(r.failures)) + strings.Join(shown, "\n  "))
}

// throughput computes Before and After from the completion times.
func (r *Report) throughput(outcomes []Outcome) {
	if len(outcomes) == 0 {
		return
	}
	end := outcomes[len(outcomes)-1].Completed
	if len(r.FaultTimings) == 0 {
		r.Before = float64(len(outcomes)) / end.Seconds()
		r.After = r.Before
		return
	}
	first := r.FaultTimings[0].At
	last := r.FaultTimings[len(r.FaultTimings)-1]
	lastEnd := last.At + last.Took
	// Before counts from the first completion, so that the ramp-up (every
	// workflow's timer and child) does not count as slowness.
	start := outcomes[0].Completed
	var before, after int
	for _, o := range outcomes[1:] {
		switch {
		case o.Completed <= first:
			before++
		case o.Completed > lastEnd:
			after++
		}
	}
	if d := first - start; d > 0 {
		r.Before = float64(before) / d.Seconds()
	}
	if d := end - lastEnd; d > 0 {
		r.After = float64(after) / d.Seconds()
	}
}

// Markdown formats the report as the tables of the suite's README.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| workflows | completed correctly | elapsed | before first fault | after last fault |\n|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %v | %.1f wf/s | %.1f wf/s |\n\n", r.Workflows, r.Completed, r.Elapsed.Round(time.Millisecond), r.Before, r.After)
	if len(r.FaultTimings) > 0 {
		fmt.Fprintf(&b, "| fault | at | completed then | took | to next completion |\n|---|---|---|---|---|\n")
		for _, ft := range r.FaultTimings {
			fmt.Fprintf(&b, "| %s | %v | %d | %v | %v |\n", ft.Name, ft.At.Round(time.Millisecond), ft.Completed, ft.Took.Round(time.Millisecond), ft.NextCompletion.Round(time.Millisecond))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "| update calls sent again | signal calls that failed | workflow tasks failed | workflow tasks timed out | activity attempts timed out | nondeterminism |\n|---|---|---|---|---|---|\n")
	nd := 0
	for _, f := range r.failures {
		if strings.Contains(f, "nondeterministic") {
			nd++
		}
	}
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d |\n", r.UpdateRetries, r.SignalErrors, r.TaskFailures, r.TaskTimeouts, r.ActivityTimeouts, nd)
	return b.String()
}
