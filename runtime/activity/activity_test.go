package activity_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func testEnv(t *testing.T, prev ...any) (*actctx.Env, *[]*commonpb.Payloads, *bytes.Buffer) {
	t.Helper()
	dc := converter.Default()
	var details *commonpb.Payloads
	if len(prev) > 0 {
		var err error
		if details, err = dc.ToPayloads(prev...); err != nil {
			t.Fatal(err)
		}
	}
	var sent []*commonpb.Payloads
	var logs bytes.Buffer
	env := &actctx.Env{
		Info: actctx.Info{
			TaskToken: []byte("token"), ActivityID: "7", ActivityType: "Charge", WorkflowID: "order-1",
			Attempt: 2, HeartbeatTimeout: time.Second, Deadline: time.Unix(100, 0),
		},
		Heartbeat:        func(p *commonpb.Payloads) { sent = append(sent, p) },
		HeartbeatDetails: details,
		DataConverter:    dc,
		Logger:           slog.New(slog.NewTextHandler(&logs, nil)).With("activity_id", "7"),
	}
	return env, &sent, &logs
}

func TestInfoAndAccessors(t *testing.T) {
	env, _, logs := testEnv(t)
	ctx := actctx.With(context.Background(), env)
	if !activity.IsActivity(ctx) {
		t.Fatal("IsActivity = false")
	}
	info := activity.GetInfo(ctx)
	if info.ActivityID != "7" || info.ActivityType != "Charge" || info.WorkflowID != "order-1" || info.Attempt != 2 ||
		info.HeartbeatTimeout != time.Second || !info.Deadline.Equal(time.Unix(100, 0)) || string(info.TaskToken) != "token" {
		t.Fatalf("GetInfo = %+v", info)
	}
	info.TaskToken[0] = 'X' // a copy: the environment is not affected
	if string(activity.GetInfo(ctx).TaskToken) != "token" {
		t.Fatal("GetInfo shares the task token")
	}
	if activity.GetDataConverter(ctx) != env.DataConverter {
		t.Fatal("GetDataConverter returned another converter")
	}
	activity.GetLogger(ctx).Info("hello")
	if !strings.Contains(logs.String(), "activity_id=7") {
		t.Fatalf("log = %q", logs.String())
	}
}

func TestRecordHeartbeatEncodes(t *testing.T) {
	env, sent, logs := testEnv(t)
	ctx := actctx.With(context.Background(), env)
	activity.RecordHeartbeat(ctx, 3, "three")
	if len(*sent) != 1 {
		t.Fatalf("heartbeats = %d", len(*sent))
	}
	var n int
	var s string
	if err := converter.Default().FromPayloads((*sent)[0], &n, &s); err != nil || n != 3 || s != "three" {
		t.Fatalf("details = %d %q %v", n, s, err)
	}
	activity.RecordHeartbeat(ctx, make(chan int)) // cannot be encoded: logged, dropped
	if len(*sent) != 1 || !strings.Contains(logs.String(), "heartbeat dropped") {
		t.Fatalf("heartbeats = %d, log = %q", len(*sent), logs.String())
	}
}

func TestHeartbeatDetails(t *testing.T) {
	env, _, _ := testEnv(t)
	ctx := actctx.With(context.Background(), env)
	if activity.HasHeartbeatDetails(ctx) {
		t.Fatal("HasHeartbeatDetails without details")
	}
	var n int
	if err := activity.GetHeartbeatDetails(ctx, &n); !errors.Is(err, temporal.ErrNoDetails) {
		t.Fatalf("GetHeartbeatDetails = %v, want ErrNoDetails", err)
	}

	env, _, _ = testEnv(t, 41, "progress")
	ctx = actctx.With(context.Background(), env)
	if !activity.HasHeartbeatDetails(ctx) {
		t.Fatal("HasHeartbeatDetails = false")
	}
	var s string
	if err := activity.GetHeartbeatDetails(ctx, &n, &s); err != nil || n != 41 || s != "progress" {
		t.Fatalf("GetHeartbeatDetails = %d %q %v", n, s, err)
	}
	if err := activity.GetHeartbeatDetails(ctx, &s); err == nil {
		t.Fatal("decoding an int detail into a string succeeded")
	}
}

func TestOutsideAnActivity(t *testing.T) {
	ctx := context.Background()
	if activity.IsActivity(ctx) || activity.HasHeartbeatDetails(ctx) {
		t.Fatal("plain context looks like an activity")
	}
	activity.RecordHeartbeat(ctx, 1) // no-op, no panic
	for name, call := range map[string]func(){
		"GetInfo":             func() { activity.GetInfo(ctx) },
		"GetLogger":           func() { activity.GetLogger(ctx) },
		"GetDataConverter":    func() { activity.GetDataConverter(ctx) },
		"GetHeartbeatDetails": func() { _ = activity.GetHeartbeatDetails(ctx) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "activity."+name+" called outside an activity") {
					t.Errorf("%s panic = %q", name, msg)
				}
			}()
			call()
		}()
	}
}
