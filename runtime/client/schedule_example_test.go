package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
)

// This example needs a running server, so it is compiled but not run.
func ExampleClient_CreateSchedule() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// Every weekday at 02:30 Berlin time, start a Report workflow.
	h, err := c.CreateSchedule(ctx, client.ScheduleOptions{
		ID: "nightly-report",
		Spec: client.ScheduleSpec{
			Calendars: []client.ScheduleCalendarSpec{{
				Hour:      []client.ScheduleRange{{Start: 2}},
				Minute:    []client.ScheduleRange{{Start: 30}},
				DayOfWeek: []client.ScheduleRange{{Start: 1, End: 5}},
			}},
			TimeZoneName: "Europe/Berlin",
		},
		Action: &client.ScheduleWorkflowAction{
			WorkflowType: "Report",
			TaskQueue:    "reports",
			Args:         []any{"sales"},
		},
		Policies: client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE},
	})
	var exists *client.ScheduleAlreadyExistsError
	var rejected *client.ScheduleError
	switch {
	case errors.As(err, &exists):
		h = c.GetScheduleHandle("nightly-report")
	case errors.As(err, &rejected):
		log.Fatal("bad schedule: ", rejected.Message)
	case err != nil:
		log.Fatal(err)
	}

	// Read-modify-write: move it to 03:30. A concurrent change makes
	// Update call the function again with the newer schedule.
	err = h.Update(ctx, func(d *client.ScheduleDescription) (*client.ScheduleUpdate, error) {
		s := d.Schedule
		s.Spec.Calendars[0].Hour = []client.ScheduleRange{{Start: 3}}
		return &client.ScheduleUpdate{Schedule: s}, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := h.Pause(ctx, "holidays"); err != nil {
		log.Fatal(err)
	}
	d, err := h.Describe(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Schedule.State.Paused, d.Schedule.State.Note, d.Info.NextActionTimes)
}
