package replaytest

// Fuzz targets of the replayer: mutated recorded histories, as JSON and
// as protobuf, replayed against the workflows that recorded them. The
// seed corpora under testdata/fuzz are the histories of
// testdata/histories in both forms; rewrite them after recording again:
//
//	go test ./runtime/worker/replaytest/ -run TestSeedCorpus -seeds
//
// Run a target for longer with, e.g.:
//
//	go test ./runtime/worker/replaytest/ -run '^$' -fuzz '^FuzzReplayHistoryJSON$' -fuzztime 5m

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/temporalgen/temporalgen/internal/fuzzseed"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var writeSeeds = flag.Bool("seeds", false, "rewrite the seed corpora under testdata/fuzz from testdata/histories")

// replayBound is how long one replay of a fuzzed history may take; the
// replayer's own deadlock timeout (fuzzDeadlock) ends workflow code that
// stops yielding well before.
const (
	replayBound  = 10 * time.Second
	fuzzDeadlock = time.Second
)

// recordedHistories returns every recorded history file, good and bad,
// by a name like "good-greeting".
func recordedHistories(t testing.TB) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	for _, dir := range []string{"good", "bad"} {
		files, err := filepath.Glob(filepath.Join(historiesDir, dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[dir+"-"+strings.TrimSuffix(filepath.Base(f), ".json")] = data
		}
	}
	if len(out) == 0 {
		t.Fatalf("no histories under %s", historiesDir)
	}
	return out
}

// historySeeds returns the recorded histories encoded with marshal.
func historySeeds(t testing.TB, marshal func(*historypb.History) ([]byte, error)) []fuzzseed.Seed {
	var seeds []fuzzseed.Seed
	for name, data := range recordedHistories(t) {
		h, err := worker.ParseHistoryJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		raw, err := marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, fuzzseed.Seed{Name: name, Args: []any{raw}})
	}
	return seeds
}

// compactJSON is the JSON of `temporal workflow show --output json`
// without its indentation, which only slows the mutator down.
func compactJSON(h *historypb.History) ([]byte, error) {
	data, err := protojson.Marshal(h)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = json.Compact(&b, data) // protojson adds random spaces
	return b.Bytes(), err
}

func binaryProto(h *historypb.History) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(h)
}

// TestSeedCorpus keeps the committed seed corpora in step with
// testdata/histories (-seeds rewrites them).
func TestSeedCorpus(t *testing.T) {
	fuzzseed.Check(t, "FuzzReplayHistoryJSON", historySeeds(t, compactJSON), *writeSeeds)
	fuzzseed.Check(t, "FuzzReplayHistoryProto", historySeeds(t, binaryProto), *writeSeeds)
	var files []fuzzseed.Seed // as the CLI writes them
	for name, data := range recordedHistories(t) {
		files = append(files, fuzzseed.Seed{Name: name, Args: []any{data}})
	}
	fuzzseed.Check(t, "FuzzParseHistoryJSON", files, *writeSeeds)
	var edits []fuzzseed.Seed
	for i, name := range slices.Sorted(maps.Keys(recordedHistories(t))) {
		edits = append(edits, fuzzseed.Seed{Name: name, Args: []any{uint8(i), []byte{}}})
	}
	fuzzseed.Check(t, "FuzzReplayHistoryEdits", edits, *writeSeeds)
}

// handMade are small malformed histories, as JSON, that the mutator
// would take long to reach from the recorded ones.
var handMade = []string{
	``,
	`{}`,
	`{"events":[]}`,
	`{"events":[{"eventId":"1","eventType":"EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED","workflowExecutionCancelRequestedEventAttributes":{}}]}`,
	`{"events":[{"eventId":"1","eventType":"EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED","workflowExecutionStartedEventAttributes":{"workflowType":{"name":"Cancellable"}}}]}`,
	`{"events":[{"eventId":"1","eventType":"EVENT_TYPE_WORKFLOW_EXECUTION_STARTED","workflowExecutionStartedEventAttributes":{"workflowType":{"name":"Cancellable"}}},` +
		`{"eventId":"2","eventType":"EVENT_TYPE_WORKFLOW_TASK_SCHEDULED","workflowTaskScheduledEventAttributes":{}},` +
		`{"eventId":"3","eventType":"EVENT_TYPE_WORKFLOW_TASK_STARTED","workflowTaskStartedEventAttributes":{"scheduledEventId":"2"}}]}`,
}

// FuzzReplayHistoryJSON replays arbitrary history JSON: the replayer
// returns nil or a *worker.ReplayError, within replayBound, and leaves
// no goroutine behind.
func FuzzReplayHistoryJSON(f *testing.F) {
	for _, s := range handMade {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		replayBounded(t, func() (*historypb.History, error) { return worker.ParseHistoryJSON(data) })
	})
}

// FuzzReplayHistoryProto is FuzzReplayHistoryJSON for histories in
// protobuf binary form (as the server sends them).
func FuzzReplayHistoryProto(f *testing.F) {
	for _, s := range handMade {
		h, err := worker.ParseHistoryJSON([]byte(s))
		if err != nil {
			continue
		}
		raw, err := proto.Marshal(h)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		replayBounded(t, func() (*historypb.History, error) {
			var h historypb.History
			return &h, proto.Unmarshal(data, &h)
		})
	})
}

// FuzzParseHistoryJSON parses arbitrary bytes as history JSON: a history
// or an error, and a parsed history written out as JSON again parses to
// the same history.
func FuzzParseHistoryJSON(f *testing.F) {
	for _, s := range handMade {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"events":[{"eventId":"1","eventType":"WorkflowExecutionStarted"}]}`)) // the shorthand enum names
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := worker.ParseHistoryJSON(data)
		if err != nil {
			if h != nil {
				t.Fatal("a history and an error")
			}
			return
		}
		out, err := protojson.Marshal(h)
		if err != nil {
			t.Fatalf("the parsed history does not marshal: %v", err)
		}
		again, err := worker.ParseHistoryJSON(out)
		if err != nil {
			t.Fatalf("the parsed history, written out, does not parse: %v\n%s", err, out)
		}
		a, err := binaryProto(h)
		if err != nil {
			t.Fatal(err)
		}
		b, err := binaryProto(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("the parsed history, written out and parsed again, differs:\n%v\n%v", h, again)
		}
	})
}

// FuzzReplayHistoryEdits replays recorded histories edited event by
// event (events deleted, swapped, duplicated, given another type with
// empty attributes, attribute fields cleared, event references changed)
// and numbered 1, 2, 3, ... again: well-formed enough to pass the
// replayer's shape check, they reach the engine with events out of
// order, missing or referring to the wrong command. edits is a program
// of 3-byte instructions; see editHistory.
func FuzzReplayHistoryEdits(f *testing.F) {
	histories := editable(f)
	for i := range histories {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), []byte{0, 4, 0})    // delete event 5
		f.Add(uint8(i), []byte{1, 5, 6})    // swap events 6 and 7
		f.Add(uint8(i), []byte{2, 6, 7})    // duplicate event 7
		f.Add(uint8(i), []byte{3, 6, 9})    // give event 7 another type
		f.Add(uint8(i), []byte{4, 6, 0})    // clear an attribute of event 7
		f.Add(uint8(i), []byte{5, 6, 0xff}) // make event 7 refer to event 255
	}
	f.Fuzz(func(t *testing.T, which uint8, edits []byte) {
		h := proto.Clone(histories[int(which)%len(histories)]).(*historypb.History)
		editHistory(h, edits)
		replayBounded(t, func() (*historypb.History, error) { return h, nil })
	})
}

// editable returns the recorded histories in the order of their names.
func editable(t testing.TB) []*historypb.History {
	recorded := recordedHistories(t)
	var out []*historypb.History
	for _, name := range slices.Sorted(maps.Keys(recorded)) {
		h, err := worker.ParseHistoryJSON(recorded[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, h)
	}
	return out
}

// maxEdits bounds the instructions of one FuzzReplayHistoryEdits input.
const maxEdits = 64

// editHistory applies the instructions of prog to h, then numbers its
// events 1, 2, 3, ... Each instruction is 3 bytes, op a b, with i = a
// and j = b modulo the number of events:
//
//	op%6 == 0  delete event i
//	op%6 == 1  swap events i and j
//	op%6 == 2  insert a copy of event i before event j
//	op%6 == 3  give event i the b-th event type, with empty attributes
//	op%6 == 4  clear the b-th field of event i's attributes
//	op%6 == 5  set the a-th ...event_id field of event i's attributes
//	           (its reference to another event) to b
func editHistory(h *historypb.History, prog []byte) {
	types := enumspb.EVENT_TYPE_UNSPECIFIED.Descriptor().Values()
	oneof := (&historypb.HistoryEvent{}).ProtoReflect().Descriptor().Oneofs().ByName("attributes")
	for n := 0; len(prog) >= 3 && n < maxEdits && len(h.Events) > 0; n++ {
		op, a, b := prog[0], int(prog[1]), int(prog[2])
		prog = prog[3:]
		evs := h.Events
		i, j := a%len(evs), b%len(evs)
		switch op % 6 {
		case 0:
			h.Events = slices.Delete(evs, i, i+1)
		case 1:
			evs[i], evs[j] = evs[j], evs[i]
		case 2:
			h.Events = slices.Insert(evs, j, proto.Clone(evs[i]).(*historypb.HistoryEvent))
		case 3:
			t := types.Get(b % types.Len())
			evs[i].EventType = enumspb.EventType(t.Number())
			m := evs[i].ProtoReflect()
			if set := m.WhichOneof(oneof); set != nil {
				m.Clear(set)
			}
			name := strings.ToLower(strings.TrimPrefix(string(t.Name()), "EVENT_TYPE_")) + "_event_attributes"
			if fd := oneof.Fields().ByName(protoreflect.Name(name)); fd != nil {
				m.Set(fd, m.NewField(fd))
			}
		case 4:
			if attrs, ok := attributes(evs[i], oneof); ok {
				fields := attrs.Descriptor().Fields()
				attrs.Clear(fields.Get(b % fields.Len()))
			}
		case 5:
			if attrs, ok := attributes(evs[i], oneof); ok {
				var refs []protoreflect.FieldDescriptor
				fields := attrs.Descriptor().Fields()
				for k := range fields.Len() {
					if fd := fields.Get(k); fd.Kind() == protoreflect.Int64Kind && strings.HasSuffix(string(fd.Name()), "event_id") {
						refs = append(refs, fd)
					}
				}
				if len(refs) > 0 {
					attrs.Set(refs[a%len(refs)], protoreflect.ValueOfInt64(int64(b)))
				}
			}
		}
	}
	for k, e := range h.Events {
		e.EventId = int64(k) + 1
	}
}

// attributes returns the attributes message of e, if it has one with
// fields.
func attributes(e *historypb.HistoryEvent, oneof protoreflect.OneofDescriptor) (protoreflect.Message, bool) {
	m := e.ProtoReflect()
	set := m.WhichOneof(oneof)
	if set == nil {
		return nil, false
	}
	attrs := m.Mutable(set).Message()
	return attrs, attrs.Descriptor().Fields().Len() > 0
}

// replayBounded decodes a history with decode and replays it with the
// original workflows. It fails t if decoding and replaying do not end
// within replayBound, if the replay ends with an error that is not a
// *worker.ReplayError, or if it leaves goroutines running.
func replayBounded(t *testing.T, decode func() (*historypb.History, error)) {
	t.Helper()
	before := runtime.NumGoroutine()
	r := worker.NewReplayer(worker.ReplayerOptions{DeadlockTimeout: fuzzDeadlock})
	if err := registerOriginals(r); err != nil {
		t.Fatal(err)
	}
	type result struct {
		decoded bool
		err     error
	}
	done := make(chan result, 1)
	go func() {
		h, err := decode()
		if err != nil {
			done <- result{}
			return
		}
		done <- result{true, r.ReplayHistory("fuzz", "", h)}
	}()
	select {
	case res := <-done:
		var re *worker.ReplayError
		if res.err != nil && !errors.As(res.err, &re) {
			t.Fatalf("replay error %v (%T), want a *worker.ReplayError", res.err, res.err)
		}
	case <-time.After(replayBound):
		buf := make([]byte, 1<<20)
		t.Fatalf("decoding and replaying did not end within %s; goroutines:\n%s", replayBound, buf[:runtime.Stack(buf, true)])
	}
	// The goroutines of the replay (coroutines, watchdog) may take a
	// moment to exit; none may stay.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before the replay, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}
