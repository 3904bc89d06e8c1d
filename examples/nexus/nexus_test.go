package nexus_test

// End-to-end test of the generated Nexus API against a real Temporal dev
// server (runtime/testsuite/devserver; the binary is ./bin/temporal of
// the module or $TEMPORAL_CLI): the worker serves the text service
// through RegisterTextNexus, an endpoint created with the temporal CLI
// routes to it, and workflows call it through NewTextNexusClient. No
// service or operation name is written here.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/examples/nexus"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var srv *devserver.Server

// TestMain starts the dev server, except with -short: then only the unit
// tests (unit_test.go) run.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// indentingConverter is the workflow's data converter, except that it
// indents the JSON it encodes and counts the results it decodes: a
// per-client serializer whose use both sides can see. (A mark in the
// payload's metadata would not do: the server carries a json/plain input
// to the handler as JSON content, without its other metadata.)
type indentingConverter struct {
	converter.DataConverter
	decoded *atomic.Int64
}

func (c indentingConverter) ToPayload(v any) (*commonpb.Payload, error) {
	p, err := c.DataConverter.ToPayload(v)
	if err != nil || string(p.GetMetadata()["encoding"]) != converter.EncodingJSON {
		return p, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, p.Data, "", "  "); err != nil {
		return nil, err
	}
	p.Data = b.Bytes()
	return p, nil
}

func (c indentingConverter) FromPayloads(ps *commonpb.Payloads, ptrs ...any) error {
	c.decoded.Add(1)
	return c.DataConverter.FromPayloads(ps, ptrs...)
}

// inputs is a Nexus interceptor that records the data of every input
// payload the worker receives.
type inputs struct {
	mu   sync.Mutex
	data map[string]bool
}

func (r *inputs) InterceptNexusOperation(_ context.Context, next worker.NexusOperation) worker.NexusOperation {
	return recordingOp{next, r}
}

func (r *inputs) received(data string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.data[data]
}

type recordingOp struct {
	worker.NexusOperation
	r *inputs
}

func (o recordingOp) Start(ctx context.Context, req *worker.NexusStartRequest) (*worker.NexusStartResult, error) {
	o.r.mu.Lock()
	o.r.data[string(req.Input.GetData())] = true
	o.r.mu.Unlock()
	return o.NexusOperation.Start(ctx, req)
}

// serializedShout calls the service through a client with its own data
// converter, and reports the result and the typed error of Refuse.
func serializedShout(decoded *atomic.Int64) func(ctx workflow.Context, endpoint string) (string, error) {
	return func(ctx workflow.Context, endpoint string) (string, error) {
		dc := indentingConverter{DataConverter: workflow.PayloadConverter(ctx), decoded: decoded}
		text := nexus.NewTextNexusClient(endpoint).WithDataConverter(dc)
		opts := workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute}
		out, err := text.Upper(ctx, opts, nexus.UpperInput{Text: "serialized"}).Get(ctx)
		if err != nil {
			return "", err
		}
		h := text.Refuse(ctx, opts, "serialized")
		_, err = h.Get(ctx)
		var ne *temporal.NexusOperationError
		var ae *temporal.ApplicationError
		typed := errors.As(err, &ne) && ne.Operation == nexus.TextRefuseNexusOperationName && ne.Service == nexus.TextNexusServiceName &&
			errors.As(err, &ae) && ae.Type() == nexus.RefusedError && strings.Contains(ae.Message(), "refused: serialized")
		return fmt.Sprintf("%s/%d|refuse typed=%v", out.Text, out.Length, typed), nil
	}
}

// TestTextService runs the example with the sticky cache on and with
// cache size 0 (every workflow task replays the whole history).
func TestTextService(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the dev server; run without -short")
	}
	testenv.ForEachCache(t, testTextService)
}

func testTextService(t *testing.T, cacheSize int) {
	log := testenv.Logger(t, slog.LevelWarn)
	c := testenv.Dial(t, srv, client.Options{Logger: log})
	tq := testenv.UniqueID("text-" + t.Name())
	endpoint := strings.ReplaceAll(testenv.UniqueID("text"), "_", "-")
	if out, err := srv.CLI(testenv.Context(t), "operator", "nexus", "endpoint", "create", "--name", endpoint,
		"--target-namespace", srv.Namespace(), "--target-task-queue", tq); err != nil {
		t.Fatalf("creating endpoint: %v\n%s", err, out)
	}
	seen := &inputs{data: make(map[string]bool)}
	var decoded atomic.Int64
	testenv.StartWorker(t, c, tq, worker.Options{CacheSize: cacheSize, Logger: log, NexusInterceptors: []worker.NexusInterceptor{seen}}, func(w *worker.Worker) {
		testenv.Must(t, nexus.Register(w))
		testenv.Must(t, nexus.RegisterTextNexus(w, nexus.TextHandler{Suffix: "!"}))
		testenv.Must(t, w.RegisterWorkflow("SerializedShout", serializedShout(&decoded)))
	})
	ctx := testenv.Context(t)

	// The typed call and its typed result.
	out, err := nexus.ExecuteShout(ctx, c, client.StartWorkflowOptions{ID: testenv.UniqueID("shout"), TaskQueue: tq},
		nexus.ShoutInput{Endpoint: endpoint, Text: "hello"})
	if err != nil || out != (nexus.UpperOutput{Text: "HELLO!", Length: 6}) {
		t.Fatalf("ExecuteShout = %+v, %v", out, err)
	}

	// A failing operation: the workflow fails with the handler's error as
	// the cause of a *temporal.NexusOperationError.
	h, err := nexus.StartShout(ctx, c, client.StartWorkflowOptions{ID: testenv.UniqueID("refused"), TaskQueue: tq},
		nexus.ShoutInput{Endpoint: endpoint, Text: "hello", Refuse: "not today"})
	testenv.Must(t, err)
	_, err = h.Result(ctx)
	var ne *temporal.NexusOperationError
	var ae *temporal.ApplicationError
	if !errors.As(err, &ne) || ne.Operation != nexus.TextRefuseNexusOperationName || ne.Endpoint != endpoint ||
		!errors.As(err, &ae) || ae.Type() != nexus.RefusedError || !strings.Contains(ae.Message(), "refused: not today") {
		t.Fatalf("refused Shout: %v (%T), want a NexusOperationError of refuse caused by a %s ApplicationError\n%s",
			err, err, nexus.RefusedError, testenv.DumpHistory(h.Untyped()))
	}
	evs := testenv.History(t, h.Untyped())
	if n := testenv.Count(evs, enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED); n != 1 {
		t.Errorf("%d NexusOperationCompleted events, want 1 (Upper)", n)
	}
	if n := testenv.Count(evs, enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED); n != 1 {
		t.Errorf("%d NexusOperationFailed events, want 1 (Refuse)", n)
	}

	// A client with its own data converter: the worker receives its
	// indented JSON, the workflow decodes results with it, and the typed
	// error arrives as well.
	sh := testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "SerializedShout", endpoint)
	if got := testenv.Result[string](t, sh); got != "SERIALIZED!/11|refuse typed=true" {
		t.Errorf("SerializedShout = %q", got)
	}
	for _, data := range []string{"{\n  \"Text\": \"serialized\"\n}", `"serialized"`, `{"Text":"hello"}`} {
		if !seen.received(data) {
			t.Errorf("the worker received no input %q", data)
		}
	}
	if seen.received(`{"Text":"serialized"}`) {
		t.Error("the serialized client's input reached the worker as the workflow's converter encodes it")
	}
	if decoded.Load() == 0 {
		t.Error("the client's data converter decoded no result")
	}
}
