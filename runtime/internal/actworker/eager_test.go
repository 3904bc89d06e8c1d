package actworker

import (
	"context"
	"runtime"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// respondService records completed activity tasks; other RPCs panic.
type respondService struct {
	workflowservice.WorkflowServiceClient
	completed chan *workflowservice.RespondActivityTaskCompletedRequest
}

func (s *respondService) RespondActivityTaskCompleted(_ context.Context, r *workflowservice.RespondActivityTaskCompletedRequest, _ ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedResponse, error) {
	s.completed <- r
	return &workflowservice.RespondActivityTaskCompletedResponse{}, nil
}

// TestEagerSlots reserves slots without polling, runs an eager task in
// one through the normal execute path, and stops: Stop refuses new
// reservations and waits for the ones still held.
func TestEagerSlots(t *testing.T) {
	svc := &respondService{completed: make(chan *workflowservice.RespondActivityTaskCompletedRequest, 1)}
	reg := NewRegistry()
	if err := reg.Register("Double", func(_ context.Context, n int) (int, error) { return 2 * n, nil }); err != nil {
		t.Fatal(err)
	}
	p := New(Config{Service: svc, Namespace: "ns", TaskQueue: "q", MaxConcurrent: 2}, reg)

	if !p.TryReserve() || !p.TryReserve() {
		t.Fatal("could not reserve two free slots")
	}
	if p.TryReserve() {
		t.Fatal("reserved a third slot of two")
	}
	p.Release()
	if !p.TryReserve() {
		t.Fatal("a released slot could not be reserved again")
	}
	input, err := converter.Default().ToPayloads(21)
	if err != nil {
		t.Fatal(err)
	}
	p.RunEager(&workflowservice.PollActivityTaskQueueResponse{
		TaskToken:    []byte("token"),
		ActivityId:   "1",
		ActivityType: &commonpb.ActivityType{Name: "Double"},
		Input:        input,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case r := <-svc.completed:
		var got int
		if err := converter.Default().FromPayloads(r.Result, &got); err != nil || got != 42 || string(r.TaskToken) != "token" {
			t.Errorf("completed %s with %d (%v), want token with 42", r.TaskToken, got, err)
		}
	case <-ctx.Done():
		t.Fatal("the eager task was not completed")
	}

	stopped := make(chan error, 1)
	go func() { stopped <- p.Stop(ctx) }()
	// Once Stop has begun, no slot can be reserved, free or not.
	for p.TryReserve() {
		p.Release()
		runtime.Gosched()
	}
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a slot was still reserved", err)
	default:
	}
	p.Release()
	if err := <-stopped; err != nil {
		t.Errorf("Stop: %v", err)
	}
}
