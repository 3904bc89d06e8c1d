package testsuite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// saltCodec encodes the same payload differently every time, as
// encryption with a fresh nonce does: it prefixes a counter.
type saltCodec struct{ n *int }

func (c saltCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		*c.n++
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte("binary/salted")},
			Data:     append([]byte(fmt.Sprintf("%08d", *c.n)), raw...),
		}
	}
	return out, nil
}

func (c saltCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.Metadata[converter.MetadataEncoding]) != "binary/salted" {
			out[i] = p
			continue
		}
		if len(p.Data) < 8 {
			return nil, errors.New("short salted payload")
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(p.Data[8:], out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TestReplayCheckSeesThroughCodecs: commands whose payloads a codec encodes
// differently on replay are the same commands, but a payload whose value
// differs on replay is still caught.
func TestReplayCheckSeesThroughCodecs(t *testing.T) {
	var salt int
	dc := converter.WithCodecs(converter.Default(), saltCodec{&salt})
	opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute}
	echo := func(_ context.Context, s string) (string, error) { return s, nil }

	env := testsuite.New(t, testsuite.Options{DataConverter: dc})
	must(t, env.RegisterActivity("Echo", echo))
	must(t, env.RegisterWorkflow("Twice", func(ctx workflow.Context, s string) (string, error) {
		a, err := workflow.ExecuteActivity[string](ctx, opts, "Echo", s).Get(ctx)
		if err != nil {
			return "", err
		}
		return workflow.ExecuteActivity[string](ctx, opts, "Echo", a+"!").Get(ctx)
	}))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Twice", "ada")
	var got string
	must(t, res.Get(&got))
	if got != "ada!" || res.ReplayError() != nil {
		t.Errorf("result %q, replay error %v; want ada! and none", got, res.ReplayError())
	}
	if salt < 6 {
		t.Errorf("the codec ran %d times: the test does not exercise it", salt)
	}

	rec := &recorder{TB: t}
	env = testsuite.New(rec, testsuite.Options{DataConverter: dc})
	must(t, env.RegisterActivity("Echo", echo))
	calls := 0 // state outside the workflow: the second task's argument differs on replay
	must(t, env.RegisterWorkflow("Drifting", func(ctx workflow.Context) (string, error) {
		if _, err := workflow.ExecuteActivity[string](ctx, opts, "Echo", "first").Get(ctx); err != nil {
			return "", err
		}
		calls++
		return workflow.ExecuteActivity[string](ctx, opts, "Echo", fmt.Sprint("call ", calls)).Get(ctx)
	}))
	res = env.ExecuteWorkflow(testsuite.StartOptions{}, "Drifting")
	if err := res.ReplayError(); err == nil || !strings.Contains(err.Error(), "command 0 differs") {
		t.Errorf("replay error %v, want the drifting argument reported", err)
	}
	if len(rec.errs) != 1 {
		t.Errorf("test errors %q, want one replay failure", rec.errs)
	}
}
