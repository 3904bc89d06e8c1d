package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
)

// startService answers StartWorkflowExecution with answer and records
// the requests.
type startService struct {
	workflowservice.WorkflowServiceClient
	answer func(*workflowservice.StartWorkflowExecutionRequest) (*workflowservice.StartWorkflowExecutionResponse, error)
	reqs   []*workflowservice.StartWorkflowExecutionRequest
}

func (s *startService) StartWorkflowExecution(_ context.Context, r *workflowservice.StartWorkflowExecutionRequest, _ ...grpc.CallOption) (*workflowservice.StartWorkflowExecutionResponse, error) {
	s.reqs = append(s.reqs, r)
	return s.answer(r)
}

// fakeEager is an EagerWorker with free slots.
type fakeEager struct {
	free     int
	reserved int
	released int
	ran      []*workflowservice.PollWorkflowTaskQueueResponse
}

func (f *fakeEager) TryReserveEagerSlot() bool {
	if f.free == 0 {
		return false
	}
	f.free--
	f.reserved++
	return true
}

func (f *fakeEager) ReleaseEagerSlot() { f.free++; f.released++ }

func (f *fakeEager) RunEagerTask(t *workflowservice.PollWorkflowTaskQueueResponse) {
	f.ran = append(f.ran, t)
}

func eagerClient(t *testing.T, svc *startService, capable bool) *Client {
	t.Helper()
	opts, err := Options{Namespace: "ns", Identity: "me"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return &Client{service: svc, opts: opts, sysInfo: &workflowservice.GetSystemInfoResponse{
		Capabilities: &workflowservice.GetSystemInfoResponse_Capabilities{EagerWorkflowStart: capable},
	}}
}

func TestEagerStartHandsTaskToWorker(t *testing.T) {
	task := &workflowservice.PollWorkflowTaskQueueResponse{TaskToken: []byte("tok"), StartedEventId: 3}
	svc := &startService{answer: func(r *workflowservice.StartWorkflowExecutionRequest) (*workflowservice.StartWorkflowExecutionResponse, error) {
		if !r.RequestEagerExecution {
			return &workflowservice.StartWorkflowExecutionResponse{RunId: "r"}, nil
		}
		return &workflowservice.StartWorkflowExecutionResponse{RunId: "r", EagerWorkflowTask: task}, nil
	}}
	c := eagerClient(t, svc, true)
	full := &fakeEager{}
	free := &fakeEager{free: 1}
	other := &fakeEager{free: 1}
	c.RegisterEagerWorker("q", full)
	c.RegisterEagerWorker("q", free)
	c.RegisterEagerWorker("elsewhere", other)

	if _, err := c.StartWorkflow(context.Background(), StartWorkflowOptions{TaskQueue: "q"}, "W"); err != nil {
		t.Fatal(err)
	}
	if !svc.reqs[0].RequestEagerExecution {
		t.Error("start did not ask for eager execution with a free slot")
	}
	if len(free.ran) != 1 || free.ran[0] != task || free.released != 0 {
		t.Errorf("worker with the slot ran %v and released %d, want the task and no release", free.ran, free.released)
	}
	if full.reserved != 0 || len(other.ran)+other.reserved != 0 {
		t.Errorf("full worker reserved %d, other queue's worker reserved %d", full.reserved, other.reserved)
	}

	// All slots taken now: the start does not ask.
	if _, err := c.StartWorkflow(context.Background(), StartWorkflowOptions{TaskQueue: "q"}, "W"); err != nil {
		t.Fatal(err)
	}
	if svc.reqs[1].RequestEagerExecution {
		t.Error("start asked for eager execution with no free slot")
	}
}

func TestEagerStartReleasesUnusedSlot(t *testing.T) {
	cases := []struct {
		name   string
		resp   *workflowservice.StartWorkflowExecutionResponse
		err    error
		failed bool
	}{
		{"declined", &workflowservice.StartWorkflowExecutionResponse{RunId: "r"}, nil, false},
		{"empty task", &workflowservice.StartWorkflowExecutionResponse{RunId: "r", EagerWorkflowTask: &workflowservice.PollWorkflowTaskQueueResponse{}}, nil, false},
		{"failed", nil, errors.New("boom"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc := &startService{answer: func(*workflowservice.StartWorkflowExecutionRequest) (*workflowservice.StartWorkflowExecutionResponse, error) {
				return tc.resp, tc.err
			}}
			c := eagerClient(t, svc, true)
			w := &fakeEager{free: 1}
			c.RegisterEagerWorker("q", w)
			_, err := c.StartWorkflow(context.Background(), StartWorkflowOptions{TaskQueue: "q"}, "W")
			if (err != nil) != tc.failed {
				t.Fatalf("err = %v", err)
			}
			if !svc.reqs[0].RequestEagerExecution || w.reserved != 1 || w.released != 1 || len(w.ran) != 0 {
				t.Errorf("asked %v, reserved %d, released %d, ran %d; want asked, 1, 1, 0",
					svc.reqs[0].RequestEagerExecution, w.reserved, w.released, len(w.ran))
			}
		})
	}
}

func TestEagerStartNotAsked(t *testing.T) {
	cases := []struct {
		name    string
		opts    StartWorkflowOptions
		capable bool
		unreg   bool
	}{
		{"disabled", StartWorkflowOptions{DisableEagerExecution: true}, true, false},
		{"cron", StartWorkflowOptions{CronSchedule: "@every 1h"}, true, false},
		{"delayed", StartWorkflowOptions{StartDelay: time.Minute}, true, false},
		{"server without eager start", StartWorkflowOptions{}, false, false},
		{"worker withdrawn", StartWorkflowOptions{}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc := &startService{answer: func(*workflowservice.StartWorkflowExecutionRequest) (*workflowservice.StartWorkflowExecutionResponse, error) {
				return &workflowservice.StartWorkflowExecutionResponse{RunId: "r"}, nil
			}}
			c := eagerClient(t, svc, tc.capable)
			w := &fakeEager{free: 1}
			unregister := c.RegisterEagerWorker("q", w)
			if tc.unreg {
				unregister()
				unregister() // a second call does nothing
			}
			opts := tc.opts
			opts.TaskQueue = "q"
			if _, err := c.StartWorkflow(context.Background(), opts, "W"); err != nil {
				t.Fatal(err)
			}
			if svc.reqs[0].RequestEagerExecution || w.reserved != 0 {
				t.Errorf("asked %v, reserved %d; want neither", svc.reqs[0].RequestEagerExecution, w.reserved)
			}
		})
	}
}

func TestEagerWorkersRegistry(t *testing.T) {
	var e eagerWorkers
	a, b := &fakeEager{free: 1}, &fakeEager{free: 1}
	e.add("q", a)
	e.add("q", b)
	e.remove("q", a)
	if got := e.reserve("q"); got != b {
		t.Fatalf("reserve = %v, want the remaining worker", got)
	}
	e.remove("q", b)
	if _, ok := e.byQueue["q"]; ok {
		t.Error("empty queue entry kept")
	}
	if got := e.reserve("q"); got != nil {
		t.Errorf("reserve on an empty queue = %v", got)
	}
}
