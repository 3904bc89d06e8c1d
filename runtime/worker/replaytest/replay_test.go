package replaytest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/examples/hello"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

// codeVersion is a set of workflow implementations to replay with: the
// originals with some types replaced.
type codeVersion struct {
	name    string
	replace map[string]any
}

var originals = codeVersion{name: "originals"}

// goodHistories maps every file under good/ to the code versions that must
// replay it (the originals unless listed).
var goodHistories = map[string][]codeVersion{
	"greeting.json":               nil,
	"messages.json":               nil,
	"messages_open.json":          nil,
	"child_parent.json":           nil,
	"child_child.json":            nil,
	"continue_as_new_first.json":  nil,
	"continue_as_new_last.json":   nil,
	"local_activity_backoff.json": nil,
	// Executions of generation 1 replay with generation 2 (Patched takes
	// the old path); executions of generation 2 replay with generations
	// 2 and 3 (DeprecatePatch).
	"patch_gen1.json": {{name: "gen1", replace: map[string]any{"Patched": patchGen(1)}}, originals},
	"patch_gen2.json": {originals, {name: "gen3", replace: map[string]any{"Patched": patchGen(3)}}},
	"fanout.json":     nil,
	"failed.json":     nil,
	"cancelled.json":  nil,
}

// badHistories maps every file under bad/ (recorded from the originals) to
// the changed code that must fail to replay it, and to a part of the
// Expected and Actual texts of the NondeterminismError.
var badHistories = map[string]struct {
	code             codeVersion
	expected, actual string
}{
	"greeting.json": {codeVersion{"timer moved first", map[string]any{hello.GreetingWorkflowName: greetingTimerFirst}},
		"ActivityTaskScheduled", "StartTimer"},
	"messages.json": {codeVersion{"activity added to the update handler", map[string]any{"Messages": messagesAuditedUpdate}},
		"WorkflowExecutionUpdateCompleted", "ScheduleActivityTask"},
	"child_parent.json": {codeVersion{"child type renamed", map[string]any{"Parent": parentRenamedChild}},
		"Child", "Child2"},
	"continue_as_new_first.json": {codeVersion{"timer replaced by an activity", map[string]any{"Looper": looperActivity}},
		"TimerStarted", "ScheduleActivityTask"},
	"local_activity_backoff.json": {codeVersion{"local activity renamed", map[string]any{"LocalBackoff": localBackoffRenamed}},
		"FailTwice", "FailOnce"},
	"patch_gen1.json": {codeVersion{"changed without a patch", map[string]any{"Patched": patchUnguarded}},
		hello.ComposeActivityName, hello.ShoutActivityName},
	"fanout.json": {codeVersion{"timers started first", map[string]any{"FanOut": fanOutTimersFirst}},
		"ActivityTaskScheduled", "StartTimer"},
	"cancelled.json": {codeVersion{"cleanup activity removed", map[string]any{"Cancellable": cancellableNoCleanup}},
		"ActivityTaskScheduled", ""},
}

// replayer returns a replayer with the originals, replaced by v's.
func replayer(t testing.TB, v codeVersion) *worker.Replayer {
	t.Helper()
	r := worker.NewReplayer(worker.ReplayerOptions{})
	reg := &overlay{r: r, replace: v.replace}
	if err := registerOriginals(reg); err != nil {
		t.Fatal(err)
	}
	return r
}

// overlay registers the replacement of a workflow type instead of the
// original when there is one.
type overlay struct {
	r       *worker.Replayer
	replace map[string]any
}

func (o *overlay) RegisterWorkflow(name string, fn any) error {
	if alt, ok := o.replace[name]; ok {
		fn = alt
	}
	return o.r.RegisterWorkflow(name, fn)
}

func load(t testing.TB, path string) *historypb.History {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := worker.ParseHistoryJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) == 0 {
		t.Fatalf("%s has no events", path)
	}
	return h
}

// TestEveryHistoryIsListed keeps the tables and the directories in step.
func TestEveryHistoryIsListed(t *testing.T) {
	for dir, listed := range map[string][]string{
		"good": keys(goodHistories),
		"bad":  keys(badHistories),
	} {
		files, err := filepath.Glob(filepath.Join(historiesDir, dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, f := range files {
			found = append(found, filepath.Base(f))
		}
		slices.Sort(found)
		if !slices.Equal(found, listed) {
			t.Errorf("%s/: files %v, tables list %v", dir, found, listed)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestReplayGoodHistories replays every good history, whole, with each
// code version listed for it.
func TestReplayGoodHistories(t *testing.T) {
	for file, versions := range goodHistories {
		if len(versions) == 0 {
			versions = []codeVersion{originals}
		}
		path := filepath.Join(historiesDir, "good", file)
		for _, v := range versions {
			t.Run(strings.TrimSuffix(file, ".json")+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				if err := replayer(t, v).ReplayHistoryFile(path); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestReplayGoodHistoriesCut replays every good history cut right after
// each WorkflowTaskStarted event: the state a worker is in when it picks
// up that workflow task without a cache.
func TestReplayGoodHistoriesCut(t *testing.T) {
	for file, versions := range goodHistories {
		if len(versions) == 0 {
			versions = []codeVersion{originals}
		}
		path := filepath.Join(historiesDir, "good", file)
		for _, v := range versions {
			t.Run(strings.TrimSuffix(file, ".json")+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				h := load(t, path)
				cuts := 0
				for i, e := range h.Events {
					if e.EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED {
						continue
					}
					cuts++
					partial := &historypb.History{Events: h.Events[:i+1]}
					if err := replayer(t, v).ReplayHistory(file, "", partial); err != nil {
						t.Errorf("cut after event %d: %v", e.EventId, err)
					}
				}
				if cuts == 0 {
					t.Fatal("no workflow task in the history")
				}
			})
		}
	}
}

// TestReplayBadHistories replays every bad history with its changed code:
// each must fail with a NondeterminismError that names the event.
func TestReplayBadHistories(t *testing.T) {
	for file, tc := range badHistories {
		t.Run(strings.TrimSuffix(file, ".json"), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(historiesDir, "bad", file)
			// The file replays with the code that recorded it...
			if err := replayer(t, originals).ReplayHistoryFile(path); err != nil {
				t.Fatalf("the originals do not replay it: %v", err)
			}
			// ...and not with the change.
			err := replayer(t, tc.code).ReplayHistoryFile(path)
			var re *worker.ReplayError
			var nd *temporal.NondeterminismError
			if !errors.As(err, &re) || !errors.As(err, &nd) {
				t.Fatalf("%s: replay error = %v (%T), want a *worker.ReplayError wrapping a *temporal.NondeterminismError", tc.code.name, err, err)
			}
			h := load(t, path)
			if nd.EventID <= 0 || nd.EventID > h.Events[len(h.Events)-1].EventId {
				t.Errorf("NondeterminismError names event %d, want an event of the history: %v", nd.EventID, err)
			}
			if re.EventID <= 0 {
				t.Errorf("ReplayError names event %d: %v", re.EventID, err)
			}
			if re.WorkflowID != path {
				t.Errorf("ReplayError names %q, want the file %q", re.WorkflowID, path)
			}
			if !strings.Contains(nd.Expected, tc.expected) || !strings.Contains(nd.Actual, tc.actual) {
				t.Errorf("expected %q (want it to mention %q), actual %q (want %q)", nd.Expected, tc.expected, nd.Actual, tc.actual)
			}
			if !strings.Contains(err.Error(), "[TMPRL1100]") {
				t.Errorf("message %q lacks [TMPRL1100]", err)
			}
			t.Logf("%s: %v", tc.code.name, err)
		})
	}
}
