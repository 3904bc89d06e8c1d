package actworker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func TestDeadlineIsTheEarlierTimeout(t *testing.T) {
	sched := time.Unix(1000, 0)
	started := sched.Add(5 * time.Second)
	cases := []struct {
		name string
		info actctx.Info
		want time.Time
	}{
		{"start-to-close only", actctx.Info{StartedTime: started, StartToCloseTimeout: time.Minute}, started.Add(time.Minute)},
		{"schedule-to-close earlier", actctx.Info{ScheduledTime: sched, StartedTime: started, StartToCloseTimeout: time.Minute, ScheduleToCloseTimeout: 30 * time.Second}, sched.Add(30 * time.Second)},
		{"start-to-close earlier", actctx.Info{ScheduledTime: sched, StartedTime: started, StartToCloseTimeout: time.Second, ScheduleToCloseTimeout: time.Hour}, started.Add(time.Second)},
		{"none", actctx.Info{ScheduledTime: sched, StartedTime: started}, time.Time{}},
	}
	for _, c := range cases {
		if got := deadline(c.info); !got.Equal(c.want) {
			t.Errorf("%s: deadline = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	var ae *temporal.ApplicationError
	err := classify(context.Canceled, errWorkerShutdown)
	if !errors.As(err, &ae) || ae.Type() != WorkerShutdownErrorType || ae.NonRetryable() || !errors.Is(err, context.Canceled) {
		t.Fatalf("shutdown: %v", err)
	}
	err = classify(context.Canceled, errActivityPaused)
	if !errors.As(err, &ae) || ae.Message() != "activity canceled: activity paused" {
		t.Fatalf("paused: %v", err)
	}
	err = classify(temporal.NewCanceledError(), nil)
	if !errors.As(err, &ae) || ae.Message() != "unexpected activity cancel error" {
		t.Fatalf("unrequested cancel: %v", err)
	}
	plain := errors.New("plain")
	if err := classify(plain, nil); err != plain {
		t.Fatalf("plain error rewritten: %v", err)
	}
}
