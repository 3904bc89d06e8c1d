package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const scheduledWorkflowType = "Scheduled"

// scheduledWorkflow is what the test schedules start: it returns at once.
func scheduledWorkflow(_ workflow.Context, in string) (string, error) { return "done:" + in, nil }

// scheduleClient dials the server and runs a worker for scheduledWorkflow
// on the test's task queue.
func scheduleClient(t *testing.T) *client.Client {
	t.Helper()
	c := dial(t, client.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	w := worker.New(c, taskQueue(t), worker.Options{CacheSize: worker.DefaultCacheSize})
	if err := w.RegisterWorkflow(scheduledWorkflowType, scheduledWorkflow); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return c
}

func scheduleAction(t *testing.T, arg string) *client.ScheduleWorkflowAction {
	return &client.ScheduleWorkflowAction{WorkflowType: scheduledWorkflowType, TaskQueue: taskQueue(t), Args: []any{arg}}
}

func createSchedule(t *testing.T, c *client.Client, opts client.ScheduleOptions) *client.ScheduleHandle {
	t.Helper()
	h, err := c.CreateSchedule(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	return h
}

// waitSchedule describes h until cond holds, failing the test at the
// context's deadline.
func waitSchedule(t *testing.T, h *client.ScheduleHandle, what string, cond func(*client.ScheduleDescription) bool) *client.ScheduleDescription {
	t.Helper()
	ctx := testCtx(t)
	for {
		d, err := h.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cond(d) {
			return d
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: last description %+v", what, d.Info)
		case <-time.After(100 * time.Millisecond): // polling interval
		}
	}
}

// checkRuns checks that the workflows of the recent actions ran to
// completion with the scheduled argument.
func checkRuns(t *testing.T, c *client.Client, actions []client.ScheduleActionResult, prefix, arg string) {
	t.Helper()
	for _, a := range actions {
		if !strings.HasPrefix(a.Workflow.WorkflowID, prefix+"-") || a.Workflow.FirstExecutionRunID == "" || a.ActualTime.IsZero() || a.ScheduleTime.IsZero() {
			t.Errorf("recent action %+v", a)
			continue
		}
		out, err := client.Result[string](testCtx(t), c.GetWorkflow(a.Workflow.WorkflowID, a.Workflow.FirstExecutionRunID))
		if err != nil || out != "done:"+arg {
			t.Errorf("run %s = %q, %v", a.Workflow.WorkflowID, out, err)
		}
	}
}

func TestScheduleLifecycle(t *testing.T) {
	c := scheduleClient(t)
	id := uniqueID("sched")
	tag := uniqueID("sched-tag")
	action := scheduleAction(t, "tick")
	action.ID = id + "-wf"
	action.WorkflowRunTimeout = time.Minute
	action.WorkflowTaskTimeout = 5 * time.Second
	action.RetryPolicy = &temporal.RetryPolicy{MaximumAttempts: 2, InitialInterval: time.Second}
	action.Memo = map[string]any{"purpose": "test"}
	action.SearchAttributes = map[string]any{"CustomKeywordField": tag}
	h := createSchedule(t, c, client.ScheduleOptions{
		ID:               id,
		Spec:             client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Second}}},
		Action:           action,
		Policies:         client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, CatchupWindow: time.Minute},
		Memo:             map[string]any{"owner": "team-a"},
		SearchAttributes: map[string]any{"CustomKeywordField": tag},
	})
	if h.ID() != id {
		t.Fatalf("handle ID %q", h.ID())
	}

	// The schedule as described.
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Schedule
	if d.ID != id || len(s.Spec.Intervals) != 1 || s.Spec.Intervals[0] != (client.ScheduleIntervalSpec{Every: time.Second}) {
		t.Errorf("spec %+v", s.Spec)
	}
	if s.Policies.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL || s.Policies.CatchupWindow != time.Minute || s.State.Paused {
		t.Errorf("policies %+v state %+v", s.Policies, s.State)
	}
	a := s.Action
	if a == nil || a.ID != id+"-wf" || a.WorkflowType != scheduledWorkflowType || a.TaskQueue != taskQueue(t) ||
		a.WorkflowRunTimeout != time.Minute || a.WorkflowTaskTimeout != 5*time.Second || a.RetryPolicy == nil || a.RetryPolicy.MaximumAttempts != 2 {
		t.Fatalf("action %+v", a)
	}
	var arg, purpose, owner, sa string
	if err := a.DecodeArgs(&arg); err != nil || arg != "tick" {
		t.Errorf("action argument %q, %v", arg, err)
	}
	if err := a.MemoValue("purpose", &purpose); err != nil || purpose != "test" {
		t.Errorf("action memo %q, %v", purpose, err)
	}
	if err := d.MemoValue("owner", &owner); err != nil || owner != "team-a" {
		t.Errorf("schedule memo %q, %v", owner, err)
	}
	if err := d.SearchAttributeValue("CustomKeywordField", &sa); err != nil || sa != tag {
		t.Errorf("schedule search attribute %q, %v", sa, err)
	}
	if d.Info.CreateTime.IsZero() || len(d.ConflictToken()) == 0 {
		t.Errorf("info %+v token %x", d.Info, d.ConflictToken())
	}

	// The 1s interval starts workflows; they show in the recent actions.
	d = waitSchedule(t, h, "two actions", func(d *client.ScheduleDescription) bool { return len(d.Info.RecentActions) >= 2 })
	if d.Info.ActionCount < 2 || len(d.Info.NextActionTimes) == 0 {
		t.Errorf("info %+v", d.Info)
	}
	checkRuns(t, c, d.Info.RecentActions, id+"-wf", "tick")

	// ListSchedules finds it by its search attribute, once visibility has
	// caught up.
	entry := waitListed(t, c, `CustomKeywordField = "`+tag+`"`, id)
	if entry.WorkflowType != scheduledWorkflowType || entry.Paused || len(entry.Spec.Intervals) != 1 || entry.Spec.Intervals[0].Every != time.Second {
		t.Errorf("list entry %+v", entry)
	}
	if err := entry.MemoValue("owner", &owner); err != nil || owner != "team-a" {
		t.Errorf("list entry memo %q, %v", owner, err)
	}

	// Pause stops it, with the note visible.
	if err := h.Pause(testCtx(t), "maintenance"); err != nil {
		t.Fatal(err)
	}
	d, err = h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Schedule.State.Paused || d.Schedule.State.Note != "maintenance" {
		t.Fatalf("after Pause: state %+v", d.Schedule.State)
	}
	// Proving that nothing happens takes time: watch three intervals.
	paused := d.Info.ActionCount
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		d, err := h.Describe(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if d.Info.ActionCount != paused {
			t.Fatalf("paused schedule acted: %d actions, %d when paused", d.Info.ActionCount, paused)
		}
	}

	// Trigger starts a run, paused or not.
	if err := h.Trigger(testCtx(t), client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL}); err != nil {
		t.Fatal(err)
	}
	d = waitSchedule(t, h, "the triggered action", func(d *client.ScheduleDescription) bool { return d.Info.ActionCount == paused+1 })
	checkRuns(t, c, d.Info.RecentActions[len(d.Info.RecentActions)-1:], id+"-wf", "tick")

	// Update changes the spec and the action; fn runs once.
	calls := 0
	err = h.Update(testCtx(t), func(d *client.ScheduleDescription) (*client.ScheduleUpdate, error) {
		calls++
		s := d.Schedule
		s.Spec.Intervals = []client.ScheduleIntervalSpec{{Every: time.Hour, Offset: 15 * time.Minute}}
		s.Action.Args = []any{"tock"}
		return &client.ScheduleUpdate{Schedule: s}, nil
	})
	if err != nil || calls != 1 {
		t.Fatalf("Update = %v after %d calls", err, calls)
	}
	d, err = h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if iv := d.Schedule.Spec.Intervals; len(iv) != 1 || iv[0] != (client.ScheduleIntervalSpec{Every: time.Hour, Offset: 15 * time.Minute}) {
		t.Errorf("updated spec %+v", d.Schedule.Spec)
	}
	if err := d.Schedule.Action.DecodeArgs(&arg); err != nil || arg != "tock" {
		t.Errorf("updated argument %q, %v", arg, err)
	}
	if !d.Schedule.State.Paused || d.Schedule.State.Note != "maintenance" || d.Info.UpdateTime.IsZero() {
		t.Errorf("update lost the state: %+v, update time %v", d.Schedule.State, d.Info.UpdateTime)
	}
	for _, next := range d.Info.NextActionTimes {
		if next.Minute() != 15 || next.Second() != 0 {
			t.Errorf("next action at %v, want hh:15:00", next)
		}
	}

	// Unpause, with its note.
	if err := h.Unpause(testCtx(t), "back"); err != nil {
		t.Fatal(err)
	}
	d, err = h.Describe(testCtx(t))
	if err != nil || d.Schedule.State.Paused || d.Schedule.State.Note != "back" {
		t.Fatalf("after Unpause: %+v, %v", d.Schedule.State, err)
	}

	// Delete removes it.
	if err := h.Delete(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, err = h.Describe(testCtx(t))
	var nf *client.ScheduleNotFoundError
	if !errors.As(err, &nf) || nf.ScheduleID != id || status.Code(err) != codes.NotFound {
		t.Errorf("Describe after Delete: %v", err)
	}
	err = h.Pause(testCtx(t), "")
	if !errors.As(err, &nf) {
		t.Errorf("Pause after Delete: %v", err)
	}
}

// waitListed lists the schedules matching query until id is among them.
func waitListed(t *testing.T, c *client.Client, query, id string) *client.ScheduleListEntry {
	t.Helper()
	ctx := testCtx(t)
	for {
		var ids []string
		for e, err := range c.ListSchedules(ctx, query) {
			if err != nil {
				t.Fatal(err)
			}
			if e.ID == id {
				return e
			}
			ids = append(ids, e.ID)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("schedule %s not listed by %q (listed %v)", id, query, ids)
		case <-time.After(100 * time.Millisecond): // polling interval
		}
	}
}

func TestScheduleUpdateConflict(t *testing.T) {
	c := dial(t, client.Options{})
	h := createSchedule(t, c, client.ScheduleOptions{
		ID:     uniqueID("sched-conflict"),
		Spec:   client.ScheduleSpec{CronExpressions: []string{"0 3 * * *"}},
		Action: scheduleAction(t, "x"),
	})
	before, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}

	// A pause between the read and the write makes the server drop the
	// write; Update notices and starts over with the paused schedule,
	// which it keeps.
	calls := 0
	err = h.Update(testCtx(t), func(d *client.ScheduleDescription) (*client.ScheduleUpdate, error) {
		calls++
		if calls == 1 {
			if d.Schedule.State.Paused {
				t.Errorf("paused before the concurrent change")
			}
			if err := h.Pause(testCtx(t), "concurrent"); err != nil {
				return nil, err
			}
		}
		s := d.Schedule
		s.Spec = client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: 4}}, Comment: "at four"}}}
		return &client.ScheduleUpdate{Schedule: s}, nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("Update = %v after %d calls, want success after 2", err, calls)
	}
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Schedule.State.Paused || d.Schedule.State.Note != "concurrent" {
		t.Errorf("the concurrent pause was lost: %+v", d.Schedule.State)
	}
	cal := d.Schedule.Spec.Calendars
	if len(cal) != 1 || cal[0].Comment != "at four" || !slices.Equal(cal[0].Hour, []client.ScheduleRange{{Start: 4, End: 4, Step: 1}}) {
		t.Errorf("calendars %+v", cal)
	}
	if !slices.Equal(before.ConflictToken(), before.Raw().GetConflictToken()) || slices.Equal(d.ConflictToken(), before.ConflictToken()) {
		t.Errorf("conflict token %x unchanged from %x", d.ConflictToken(), before.ConflictToken())
	}

	// A schedule that changes under every attempt: Update gives up.
	calls = 0
	err = h.Update(testCtx(t), func(d *client.ScheduleDescription) (*client.ScheduleUpdate, error) {
		calls++
		toggle := h.Pause
		if d.Schedule.State.Paused {
			toggle = h.Unpause
		}
		if err := toggle(testCtx(t), "interference"); err != nil {
			return nil, err
		}
		s := d.Schedule
		s.State.Note = "never written"
		return &client.ScheduleUpdate{Schedule: s}, nil
	})
	var ce *client.ScheduleConflictError
	if !errors.As(err, &ce) || ce.Attempts != client.ScheduleUpdateAttempts || calls != client.ScheduleUpdateAttempts {
		t.Fatalf("Update = %v after %d calls, want a ScheduleConflictError after %d", err, calls, client.ScheduleUpdateAttempts)
	}
	if d, err := h.Describe(testCtx(t)); err != nil || d.Schedule.State.Note != "interference" {
		t.Errorf("note %q, %v", d.Schedule.State.Note, err)
	}

	// fn's error is returned; a nil update writes nothing.
	boom := errors.New("boom")
	if err := h.Update(testCtx(t), func(*client.ScheduleDescription) (*client.ScheduleUpdate, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("fn error: %v", err)
	}
	tok := mustDescribe(t, h).ConflictToken()
	if err := h.Update(testCtx(t), func(*client.ScheduleDescription) (*client.ScheduleUpdate, error) { return nil, nil }); err != nil {
		t.Errorf("nil update: %v", err)
	}
	if got := mustDescribe(t, h).ConflictToken(); !slices.Equal(got, tok) {
		t.Errorf("nil update changed the token from %x to %x", tok, got)
	}
}

func mustDescribe(t *testing.T, h *client.ScheduleHandle) *client.ScheduleDescription {
	t.Helper()
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestScheduleBackfill(t *testing.T) {
	c := scheduleClient(t)
	id := uniqueID("sched-backfill")
	// Paused, so that only the backfill acts: four whole minutes lie
	// between start and end, which are off the minute.
	h := createSchedule(t, c, client.ScheduleOptions{
		ID:     id,
		Spec:   client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Minute}}},
		Action: scheduleAction(t, "past"),
		State:  client.ScheduleState{Paused: true, Note: "backfill only"},
	})
	minute := time.Now().UTC().Truncate(time.Minute)
	start, end := minute.Add(-5*time.Minute+30*time.Second), minute.Add(-time.Minute+30*time.Second)
	if err := h.Backfill(testCtx(t), client.ScheduleBackfill{Start: start, End: end, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL}); err != nil {
		t.Fatal(err)
	}
	d := waitSchedule(t, h, "four backfilled actions", func(d *client.ScheduleDescription) bool { return d.Info.ActionCount >= 4 })
	if d.Info.ActionCount != 4 || len(d.Info.RecentActions) != 4 {
		t.Fatalf("%d actions, recent %+v", d.Info.ActionCount, d.Info.RecentActions)
	}
	var times []time.Time
	for _, a := range d.Info.RecentActions {
		times = append(times, a.ScheduleTime.UTC())
	}
	slices.SortFunc(times, time.Time.Compare)
	want := []time.Time{minute.Add(-4 * time.Minute), minute.Add(-3 * time.Minute), minute.Add(-2 * time.Minute), minute.Add(-time.Minute)}
	if !slices.EqualFunc(times, want, time.Time.Equal) {
		t.Errorf("backfilled %v, want %v", times, want)
	}
	checkRuns(t, c, d.Info.RecentActions, id, "past")

	// Client-side checks.
	if err := h.Backfill(testCtx(t)); err == nil || err.Error() != `client: backfill schedule "`+id+`": no time range to backfill` {
		t.Errorf("no range: %v", err)
	}
	err := h.Backfill(testCtx(t), client.ScheduleBackfill{Start: end, End: start})
	if err == nil || !strings.Contains(err.Error(), "backfill 0: End") {
		t.Errorf("reversed range: %v", err)
	}
}

func TestScheduleCreateOptions(t *testing.T) {
	c := scheduleClient(t)
	id := uniqueID("sched-opts")
	startAt := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	h := createSchedule(t, c, client.ScheduleOptions{
		ID: id,
		Spec: client.ScheduleSpec{
			Calendars:    []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: 9, End: 17, Step: 4}}, DayOfWeek: []client.ScheduleRange{{Start: 1, End: 5}}}},
			Skip:         []client.ScheduleCalendarSpec{{Month: []client.ScheduleRange{{Start: 12}}, DayOfMonth: []client.ScheduleRange{{Start: 25}}}},
			StartAt:      startAt,
			EndAt:        startAt.Add(365 * 24 * time.Hour),
			Jitter:       time.Minute,
			TimeZoneName: "Europe/Berlin",
		},
		Action:             scheduleAction(t, "now"),
		Policies:           client.SchedulePolicies{PauseOnFailure: true},
		State:              client.ScheduleState{Paused: true, Note: "created paused", RemainingActions: 3},
		TriggerImmediately: true,
	})
	// The triggered action runs although the schedule is paused, and does
	// not count against the limit.
	d := waitSchedule(t, h, "the immediate action", func(d *client.ScheduleDescription) bool { return len(d.Info.RecentActions) == 1 })
	checkRuns(t, c, d.Info.RecentActions, id, "now")
	s := d.Schedule
	if !s.State.Paused || s.State.Note != "created paused" || !s.State.LimitedActions || s.State.RemainingActions != 3 {
		t.Errorf("state %+v", s.State)
	}
	if !s.Policies.PauseOnFailure || s.Policies.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_SKIP || s.Policies.CatchupWindow <= 0 {
		t.Errorf("policies %+v (server defaults expected for overlap and catchup)", s.Policies)
	}
	sp := s.Spec
	if len(sp.Calendars) != 1 || !slices.Equal(sp.Calendars[0].Hour, []client.ScheduleRange{{Start: 9, End: 17, Step: 4}}) ||
		!slices.Equal(sp.Calendars[0].Minute, []client.ScheduleRange{{Start: 0, End: 0, Step: 1}}) || sp.Calendars[0].Year != nil {
		t.Errorf("calendars %+v", sp.Calendars)
	}
	if len(sp.Skip) != 1 || !sp.StartAt.Equal(startAt) || !sp.EndAt.Equal(startAt.Add(365*24*time.Hour)) || sp.Jitter != time.Minute || sp.TimeZoneName != "Europe/Berlin" {
		t.Errorf("spec %+v", sp)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range d.Info.NextActionTimes {
		local := next.In(berlin)
		if next.Before(startAt) || !slices.Contains([]int{9, 13, 17}, local.Hour()) || local.Weekday() == time.Saturday || local.Weekday() == time.Sunday {
			t.Errorf("next action %v (%v in Berlin) does not match the calendar", next, local)
		}
	}
	if len(d.Info.NextActionTimes) == 0 {
		t.Errorf("no next action times")
	}

	// Unpause without a note names the client.
	if err := h.Unpause(testCtx(t), ""); err != nil {
		t.Fatal(err)
	}
	if st := mustDescribe(t, h).Schedule.State; st.Paused || st.Note != "unpaused by "+c.Identity() {
		t.Errorf("after Unpause: %+v", st)
	}

	// The ID is taken now.
	_, err = c.CreateSchedule(testCtx(t), client.ScheduleOptions{ID: id, Action: scheduleAction(t, "again")})
	var ae *client.ScheduleAlreadyExistsError
	if !errors.As(err, &ae) || ae.ScheduleID != id || status.Code(err) != codes.AlreadyExists {
		t.Errorf("second create: %v", err)
	}
}

func TestScheduleRejected(t *testing.T) {
	c := dial(t, client.Options{})
	cases := []struct {
		name string
		spec client.ScheduleSpec
		msg  string // part of the server's message
	}{
		{"short interval", client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: 500 * time.Millisecond}}}, "interval is too small"},
		{"offset past interval", client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Minute, Offset: time.Hour}}}, "phase"},
		{"hour out of range", client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{Hour: []client.ScheduleRange{{Start: 25}}}}}, "Hour"},
		{"bad cron", client.ScheduleSpec{CronExpressions: []string{"not a cron"}}, "Invalid schedule spec"},
		{"unknown time zone", client.ScheduleSpec{TimeZoneName: "Nowhere/Nothing"}, "Nowhere/Nothing"},
	}
	for _, tc := range cases {
		id := uniqueID("sched-bad")
		_, err := c.CreateSchedule(testCtx(t), client.ScheduleOptions{ID: id, Spec: tc.spec, Action: scheduleAction(t, "x")})
		var se *client.ScheduleError
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want a ScheduleError", tc.name, err)
			continue
		}
		if se.ScheduleID != id || !strings.Contains(se.Message, tc.msg) || status.Code(err) != codes.InvalidArgument ||
			!strings.HasPrefix(err.Error(), `client: create schedule "`+id+`": schedule "`+id+`" rejected by the server: `) {
			t.Errorf("%s: %+v (%q)", tc.name, se, err)
		}
	}

	// The same for an update, and the schedule stays as it was.
	h := createSchedule(t, c, client.ScheduleOptions{ID: uniqueID("sched-bad-update"), Action: scheduleAction(t, "x")})
	err := h.Update(testCtx(t), func(d *client.ScheduleDescription) (*client.ScheduleUpdate, error) {
		s := d.Schedule
		s.Spec.Intervals = []client.ScheduleIntervalSpec{{Every: time.Millisecond}}
		return &client.ScheduleUpdate{Schedule: s}, nil
	})
	var se *client.ScheduleError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "interval is too small") {
		t.Errorf("bad update: %v", err)
	}
	if d := mustDescribe(t, h); len(d.Schedule.Spec.Intervals) != 0 {
		t.Errorf("rejected update applied: %+v", d.Schedule.Spec)
	}
}

func TestScheduleValidation(t *testing.T) {
	c := dial(t, client.Options{})
	action := scheduleAction(t, "x")
	cases := []struct {
		opts client.ScheduleOptions
		want string
	}{
		{client.ScheduleOptions{Action: action}, `client: create schedule: ScheduleOptions.ID is required`},
		{client.ScheduleOptions{ID: "s"}, `client: create schedule "s": ScheduleOptions.Action is required`},
		{client.ScheduleOptions{ID: "s", Action: &client.ScheduleWorkflowAction{TaskQueue: "q"}}, `client: create schedule "s": ScheduleWorkflowAction.WorkflowType is required`},
		{client.ScheduleOptions{ID: "s", Action: &client.ScheduleWorkflowAction{WorkflowType: "W"}}, `client: create schedule "s": ScheduleWorkflowAction.TaskQueue is required`},
		{client.ScheduleOptions{ID: "s", Action: &client.ScheduleWorkflowAction{WorkflowType: "W", TaskQueue: "q", Args: []any{make(chan int)}}},
			`client: create schedule "s": encode action arguments: argument 0: `},
		{client.ScheduleOptions{ID: "s", Action: action, SearchAttributes: map[string]any{"Bad": struct{}{}}}, `client: create schedule "s": search attribute "Bad": `},
		{client.ScheduleOptions{ID: "s", Action: action, Backfill: []client.ScheduleBackfill{{Start: time.Now()}}}, `client: create schedule "s": backfill 0: Start and End are required`},
	}
	for _, tc := range cases {
		_, err := c.CreateSchedule(testCtx(t), tc.opts)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	// Operations on a schedule that does not exist.
	h := c.GetScheduleHandle("no-such-schedule")
	var nf *client.ScheduleNotFoundError
	if _, err := h.Describe(testCtx(t)); !errors.As(err, &nf) || nf.Namespace != c.Namespace() ||
		err.Error() != `client: describe schedule "no-such-schedule": schedule "no-such-schedule" not found in namespace "`+c.Namespace()+`"` {
		t.Errorf("describe: %v", err)
	}
	for name, err := range map[string]error{
		"trigger": h.Trigger(testCtx(t), client.ScheduleTriggerOptions{}),
		"delete":  h.Delete(testCtx(t)),
		"update":  h.Update(testCtx(t), func(*client.ScheduleDescription) (*client.ScheduleUpdate, error) { return nil, nil }),
	} {
		if !errors.As(err, &nf) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestListSchedulesPaging(t *testing.T) {
	c := dial(t, client.Options{})
	tag := uniqueID("sched-list")
	var want []string
	for range 3 {
		h := createSchedule(t, c, client.ScheduleOptions{
			ID:               uniqueID("sched-list"),
			Action:           scheduleAction(t, "x"),
			SearchAttributes: map[string]any{"CustomKeywordField": tag},
		})
		want = append(want, h.ID())
	}
	slices.Sort(want)
	query := `CustomKeywordField = "` + tag + `"`
	ctx := testCtx(t)
	for _, pageSize := range []int32{1, 0} { // three pages, then the default
		var got []string
		for {
			got = got[:0]
			for e, err := range client.ListSchedulesPaged(c, ctx, query, pageSize) {
				if err != nil {
					t.Fatal(err)
				}
				if e.WorkflowType != scheduledWorkflowType {
					t.Errorf("entry %+v", e)
				}
				got = append(got, e.ID)
			}
			slices.Sort(got)
			if slices.Equal(got, want) || ctx.Err() != nil {
				break
			}
			time.Sleep(100 * time.Millisecond) // polling interval: visibility is eventually consistent
		}
		if !slices.Equal(got, want) {
			t.Errorf("page size %d: listed %v, want %v", pageSize, got, want)
		}
	}

	// Breaking out of the iteration stops it; a bad query is an error.
	n := 0
	for range c.ListSchedules(ctx, query) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("iteration continued after break")
	}
	var listErr error
	for _, err := range c.ListSchedules(ctx, "NoSuchAttribute = 1") {
		listErr = err
	}
	if status.Code(listErr) != codes.InvalidArgument || !strings.HasPrefix(listErr.Error(), "client: list schedules: ") {
		t.Errorf("bad query: %v", listErr)
	}
}
