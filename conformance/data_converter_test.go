package conformance

// Features: data_converter/* (binary, binary_protobuf, codec, empty,
// failure, json, json_protobuf). Each checks the payloads as written in
// history — the wire format other SDKs read — not only the round trip.

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// startedInput and completedResult return the first payload of the
// workflow's input and result as recorded in history.
func startedInput(evs []*historypb.HistoryEvent) *commonpb.Payload {
	return evs[0].GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()[0]
}

func completedResult(t *testing.T, evs []*historypb.HistoryEvent) *commonpb.Payload {
	t.Helper()
	ev := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
	if ev == nil || len(ev.GetWorkflowExecutionCompletedEventAttributes().GetResult().GetPayloads()) == 0 {
		t.Fatalf("no result in history:\n%s", testenv.FormatHistory(evs))
	}
	return ev.GetWorkflowExecutionCompletedEventAttributes().GetResult().GetPayloads()[0]
}

func checkPayload(t *testing.T, where string, p *commonpb.Payload, encoding, messageType string, data []byte) {
	t.Helper()
	if got := string(p.GetMetadata()["encoding"]); got != encoding {
		t.Errorf("%s: encoding %q, want %q", where, got, encoding)
	}
	if got := string(p.GetMetadata()["messageType"]); got != messageType {
		t.Errorf("%s: messageType %q, want %q", where, got, messageType)
	}
	if data != nil && !bytes.Equal(p.GetData(), data) {
		t.Errorf("%s: data %q, want %q", where, p.GetData(), data)
	}
}

// echoWorkflow returns its argument.
func echoWorkflow[T any](ctx workflow.Context, v T) (T, error) { return v, nil }

// TestDataConverterPayloads covers binary, json and json_protobuf with the
// default converter, and binary_protobuf with a converter that prefers
// binary protobuf: the input in WorkflowExecutionStarted and the result in
// WorkflowExecutionCompleted are identical, in the expected encoding.
func TestDataConverterPayloads(t *testing.T) {
	blob := &commonpb.DataBlob{EncodingType: enumspb.ENCODING_TYPE_PROTO3, Data: []byte{1, 2, 3}}
	blobBinary, _ := proto.Marshal(blob)
	binaryFirst := converter.NewCompositeDataConverter(
		converter.NewNilPayloadConverter(),
		converter.NewByteSlicePayloadConverter(),
		converter.NewProtoPayloadConverter(),
		converter.NewProtoJSONPayloadConverter(),
		converter.NewJSONPayloadConverter(),
	)
	type spec struct {
		Spec bool `json:"spec"`
	}
	for _, tc := range []struct {
		name        string
		dc          converter.DataConverter
		wf          any
		arg         any
		encoding    string
		messageType string
		data        []byte
		check       func(t *testing.T, e *env, h *client.WorkflowHandle)
	}{
		{"binary", nil, echoWorkflow[[]byte], []byte{0xde, 0xad, 0xbe, 0xef}, "binary/plain", "", []byte{0xde, 0xad, 0xbe, 0xef},
			func(t *testing.T, e *env, h *client.WorkflowHandle) {
				if got := result[[]byte](e, h); !bytes.Equal(got, []byte{0xde, 0xad, 0xbe, 0xef}) {
					t.Errorf("result %x", got)
				}
			}},
		{"json", nil, echoWorkflow[spec], spec{Spec: true}, "json/plain", "", []byte(`{"spec":true}`),
			func(t *testing.T, e *env, h *client.WorkflowHandle) {
				if got := result[spec](e, h); !got.Spec {
					t.Errorf("result %+v", got)
				}
			}},
		{"json_protobuf", nil, echoWorkflow[*commonpb.DataBlob], blob, "json/protobuf", "temporal.api.common.v1.DataBlob", nil,
			func(t *testing.T, e *env, h *client.WorkflowHandle) {
				if got := result[*commonpb.DataBlob](e, h); !proto.Equal(got, blob) {
					t.Errorf("result %v", got)
				}
			}},
		{"binary_protobuf", binaryFirst, echoWorkflow[*commonpb.DataBlob], blob, "binary/protobuf", "temporal.api.common.v1.DataBlob", blobBinary,
			func(t *testing.T, e *env, h *client.WorkflowHandle) {
				if got := result[*commonpb.DataBlob](e, h); !proto.Equal(got, blob) {
					t.Errorf("result %v", got)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachWith(t, client.Options{DataConverter: tc.dc}, func(t *testing.T, e *env) {
				e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("Echo", tc.wf)) })
				h := e.start("Echo", tc.arg)
				tc.check(t, e, h)
				evs := e.history(h)
				checkPayload(t, "input", startedInput(evs), tc.encoding, tc.messageType, tc.data)
				checkPayload(t, "result", completedResult(t, evs), tc.encoding, tc.messageType, tc.data)
				if !proto.Equal(startedInput(evs), completedResult(t, evs)) {
					t.Errorf("input and result payloads differ: %v / %v", startedInput(evs), completedResult(t, evs))
				}
			})
		})
	}
}

// wrapCodec wraps every payload in a payload of encoding "my-encoding"
// whose data is the marshalled original.
type wrapCodec struct{}

func (wrapCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		b, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("my-encoding")}, Data: b}
	}
	return out, nil
}

func (wrapCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.GetMetadata()["encoding"]) != "my-encoding" {
			out[i] = p
			continue
		}
		var inner commonpb.Payload
		if err := proto.Unmarshal(p.GetData(), &inner); err != nil {
			return nil, err
		}
		out[i] = &inner
	}
	return out, nil
}

// TestDataConverterCodec: a codec applies to the payloads in history; the
// wrapped payload is the json/plain one.
func TestDataConverterCodec(t *testing.T) {
	type spec struct {
		Spec bool `json:"spec"`
	}
	eachWith(t, client.Options{DataConverter: converter.WithCodecs(converter.Default(), wrapCodec{})}, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("Echo", echoWorkflow[spec])) })
		h := e.start("Echo", spec{Spec: true})
		if got := result[spec](e, h); !got.Spec {
			t.Errorf("result %+v", got)
		}
		evs := e.history(h)
		for where, p := range map[string]*commonpb.Payload{"input": startedInput(evs), "result": completedResult(t, evs)} {
			checkPayload(t, where, p, "my-encoding", "", nil)
			var inner commonpb.Payload
			testenv.Must(t, proto.Unmarshal(p.GetData(), &inner))
			checkPayload(t, where+" (decoded)", &inner, "json/plain", "", []byte(`{"spec":true}`))
		}
	})
}

// TestDataConverterEmpty: a nil activity argument travels as binary/null.
func TestDataConverterEmpty(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("NullArg", func(_ context.Context, p *string) (bool, error) { return p == nil, nil }))
			testenv.Must(t, w.RegisterWorkflow("Empty", func(ctx workflow.Context) (bool, error) {
				return workflow.ExecuteActivity[bool](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "NullArg", nil).Get(ctx)
			}))
		})
		h := e.start("Empty")
		if !result[bool](e, h) {
			t.Error("the activity did not get nil")
		}
		ev := testenv.First(e.history(h), enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
		ps := ev.GetActivityTaskScheduledEventAttributes().GetInput().GetPayloads()
		if len(ps) != 1 {
			t.Fatalf("%d payloads", len(ps))
		}
		checkPayload(t, "activity input", ps[0], "binary/null", "", []byte{})
	})
}

// TestDataConverterFailure: with EncodeCommonAttributes, failure messages
// and stack traces travel encoded ("Encoded failure" in the clear), and
// the client decodes them back.
func TestDataConverterFailure(t *testing.T) {
	dc := converter.Default()
	fc := converter.NewFailureConverter(dc, converter.FailureConverterOptions{EncodeCommonAttributes: true})
	eachWith(t, client.Options{DataConverter: dc, FailureConverter: fc}, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Fail", func(context.Context) error {
				return temporal.NewNonRetryableApplicationError("main error", "Main", errors.New("cause error"))
			}))
			testenv.Must(t, w.RegisterWorkflow("FailureWF", func(ctx workflow.Context) error {
				_, err := workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Fail").Get(ctx)
				return err
			}))
		})
		h := e.start("FailureWF")
		_, err := resultErr[struct{}](e, h)
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Message() != "main error" || app.Unwrap() == nil || app.Unwrap().Error() != "cause error" {
			t.Fatalf("client got %v, want the decoded application error and cause", err)
		}
		evs := e.history(h)
		for _, ev := range []*historypb.HistoryEvent{
			testenv.First(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED),
			testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED),
		} {
			if ev == nil {
				t.Fatalf("missing failure events:\n%s", testenv.FormatHistory(evs))
			}
			f := ev.GetActivityTaskFailedEventAttributes().GetFailure()
			if f == nil {
				f = ev.GetWorkflowExecutionFailedEventAttributes().GetFailure()
			}
			for depth := 0; f != nil; depth++ {
				if f.GetMessage() != "Encoded failure" || f.GetEncodedAttributes() == nil || f.GetStackTrace() != "" {
					t.Errorf("%s failure at depth %d: message %q, encoded attributes %v, stack %q", ev.EventType, depth,
						f.GetMessage(), f.GetEncodedAttributes() != nil, f.GetStackTrace())
				}
				f = f.GetCause()
			}
		}
	})
}
