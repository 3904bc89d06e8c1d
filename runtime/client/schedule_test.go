package client

import (
	"errors"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	schedulepb "go.temporal.io/api/schedule/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func testClient() *Client {
	return &Client{opts: Options{Namespace: "ns", Identity: "me", DataConverter: converter.Default()}}
}

func TestScheduleSpecToProto(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s := ScheduleSpec{
		Calendars: []ScheduleCalendarSpec{
			{Hour: []ScheduleRange{{Start: 9, End: 17, Step: 2}}, DayOfWeek: []ScheduleRange{{Start: 1, End: 5}}, Comment: "office hours"},
			{Second: []ScheduleRange{}, Year: []ScheduleRange{{Start: 2031}}},
		},
		Intervals:       []ScheduleIntervalSpec{{Every: time.Hour, Offset: 15 * time.Minute}, {Every: time.Minute}},
		CronExpressions: []string{"@daily"},
		Skip:            []ScheduleCalendarSpec{{Month: []ScheduleRange{{Start: 12}}, DayOfMonth: []ScheduleRange{{Start: 25}}}},
		StartAt:         start,
		EndAt:           start.Add(time.Hour),
		Jitter:          time.Second,
		TimeZoneName:    "Europe/Berlin",
	}
	r := func(start, end int32) []*schedulepb.Range {
		return []*schedulepb.Range{{Start: start, End: end, Step: 1}}
	}
	p := s.toProto()
	want := &schedulepb.ScheduleSpec{
		StructuredCalendar: []*schedulepb.StructuredCalendarSpec{
			{
				// nil fields get the cron defaults; End and Step are filled in.
				Second: r(0, 0), Minute: r(0, 0),
				Hour:       []*schedulepb.Range{{Start: 9, End: 17, Step: 2}},
				DayOfMonth: r(1, 31), Month: r(1, 12), DayOfWeek: r(1, 5),
				Comment: "office hours",
			},
			{
				// An empty field stays empty (matches nothing); Year is set.
				Second: []*schedulepb.Range{}, Minute: r(0, 0), Hour: r(0, 0),
				DayOfMonth: r(1, 31), Month: r(1, 12), DayOfWeek: r(0, 6), Year: r(2031, 2031),
			},
		},
		ExcludeStructuredCalendar: []*schedulepb.StructuredCalendarSpec{{
			Second: r(0, 0), Minute: r(0, 0), Hour: r(0, 0), DayOfMonth: r(25, 25), Month: r(12, 12), DayOfWeek: r(0, 6),
		}},
		Interval: []*schedulepb.IntervalSpec{
			{Interval: durationpb.New(time.Hour), Phase: durationpb.New(15 * time.Minute)},
			{Interval: durationpb.New(time.Minute)},
		},
		CronString:   []string{"@daily"},
		StartTime:    p.StartTime,
		EndTime:      p.EndTime,
		Jitter:       durationpb.New(time.Second),
		TimezoneName: "Europe/Berlin",
	}
	if !proto.Equal(p, want) {
		t.Fatalf("toProto:\n got %v\nwant %v", p, want)
	}
	if !p.StartTime.AsTime().Equal(start) || !p.EndTime.AsTime().Equal(start.Add(time.Hour)) {
		t.Errorf("start %v end %v", p.StartTime.AsTime(), p.EndTime.AsTime())
	}

	// The zero spec has no times at all.
	if z := (&ScheduleSpec{}).toProto(); z.StartTime != nil || z.EndTime != nil || z.Jitter != nil || len(z.StructuredCalendar) != 0 {
		t.Errorf("zero spec: %v", z)
	}

	// What the server reports converts back to the same message, and the
	// time zone data it may hold survives while the zone stays.
	p.CronString = nil
	p.TimezoneData = []byte("TZif")
	back := scheduleSpecFromProto(p)
	if got := back.toProto(); !proto.Equal(got, p) {
		t.Errorf("round trip:\n got %v\nwant %v", got, p)
	}
	if back.Calendars[1].Second == nil || len(back.Calendars[1].Second) != 0 || back.Calendars[0].Year != nil {
		t.Errorf("empty and missing fields: %+v", back.Calendars)
	}
	back.TimeZoneName = "UTC"
	if got := back.toProto(); got.TimezoneData != nil {
		t.Errorf("time zone data kept for another zone")
	}
	if !back.StartAt.Equal(start) || back.Jitter != time.Second || back.Intervals[0].Offset != 15*time.Minute {
		t.Errorf("from proto: %+v", back)
	}
}

func TestScheduleActionConversion(t *testing.T) {
	c := testClient()
	a := &ScheduleWorkflowAction{
		WorkflowType:             "W",
		TaskQueue:                "q",
		Args:                     []any{"a", 2},
		WorkflowExecutionTimeout: time.Hour,
		WorkflowRunTimeout:       time.Minute,
		WorkflowTaskTimeout:      time.Second,
		RetryPolicy:              &temporal.RetryPolicy{MaximumAttempts: 3},
		Memo:                     map[string]any{"k": "v"},
		SearchAttributes:         map[string]any{"CustomKeywordField": "kw"},
	}
	p, err := c.scheduleActionToProto("sched", a)
	if err != nil {
		t.Fatal(err)
	}
	w := p.GetStartWorkflow()
	if w.GetWorkflowId() != "sched" || w.GetWorkflowType().GetName() != "W" || w.GetTaskQueue().GetName() != "q" ||
		w.GetTaskQueue().GetKind() != enumspb.TASK_QUEUE_KIND_NORMAL || w.GetWorkflowExecutionTimeout().AsDuration() != time.Hour ||
		w.GetWorkflowRunTimeout().AsDuration() != time.Minute || w.GetWorkflowTaskTimeout().AsDuration() != time.Second ||
		w.GetRetryPolicy().GetMaximumAttempts() != 3 || len(w.GetInput().GetPayloads()) != 2 {
		t.Fatalf("action %v", w)
	}
	if got := string(w.GetSearchAttributes().GetIndexedFields()["CustomKeywordField"].GetMetadata()["type"]); got != "Keyword" {
		t.Errorf("search attribute type %q", got)
	}

	// Described back: payloads pass through unchanged, fields the type does
	// not model (user metadata) are kept, and the values decode.
	w.UserMetadata = &sdkpb.UserMetadata{Summary: &commonpb.Payload{Data: []byte("summary")}}
	back := actionFromProto(p, c.opts.DataConverter)
	if _, ok := back.Args[0].(*commonpb.Payload); !ok {
		t.Fatalf("described argument %T", back.Args[0])
	}
	var s string
	var n int
	if err := back.DecodeArgs(&s, &n); err != nil || s != "a" || n != 2 {
		t.Errorf("DecodeArgs = %q %d, %v", s, n, err)
	}
	var v string
	if err := back.MemoValue("k", &v); err != nil || v != "v" {
		t.Errorf("MemoValue = %q, %v", v, err)
	}
	if err := back.MemoValue("nope", &v); err == nil {
		t.Errorf("missing memo decoded")
	}
	again, err := c.scheduleActionToProto("other", back)
	if err != nil || !proto.Equal(again, p) {
		t.Errorf("round trip:\n got %v\nwant %v (%v)", again, p, err)
	}

	// Go values decode too, through an encode.
	if err := a.DecodeArgs(&s, &n); err != nil || s != "a" || n != 2 {
		t.Errorf("DecodeArgs of Go values = %q %d, %v", s, n, err)
	}

	// A non-workflow action describes as nil.
	if actionFromProto(&schedulepb.ScheduleAction{}, nil) != nil {
		t.Errorf("empty action converted")
	}

	for _, bad := range []struct {
		a    *ScheduleWorkflowAction
		want string
	}{
		{nil, "the schedule's Action is required"},
		{&ScheduleWorkflowAction{TaskQueue: "q"}, "ScheduleWorkflowAction.WorkflowType is required"},
		{&ScheduleWorkflowAction{WorkflowType: "W"}, "ScheduleWorkflowAction.TaskQueue is required"},
		{&ScheduleWorkflowAction{WorkflowType: "W", TaskQueue: "q", Memo: map[string]any{"m": func() {}}}, `action: encode memo "m": `},
	} {
		if _, err := c.scheduleActionToProto("s", bad.a); err == nil || !strings.HasPrefix(err.Error(), bad.want) {
			t.Errorf("err = %v, want %q", err, bad.want)
		}
	}
}

func TestSchedulePoliciesAndState(t *testing.T) {
	pol := (&SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL, CatchupWindow: time.Minute, PauseOnFailure: true, KeepOriginalWorkflowID: true}).toProto()
	if pol.GetOverlapPolicy() != enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL || pol.GetCatchupWindow().AsDuration() != time.Minute || !pol.GetPauseOnFailure() || !pol.GetKeepOriginalWorkflowId() {
		t.Errorf("policies %v", pol)
	}
	if (&SchedulePolicies{}).toProto().GetCatchupWindow() != nil {
		t.Errorf("zero catchup window sent")
	}
	st := (&ScheduleState{Paused: true, Note: "n", RemainingActions: 2}).toProto()
	if !st.GetPaused() || st.GetNotes() != "n" || !st.GetLimitedActions() || st.GetRemainingActions() != 2 {
		t.Errorf("state %v (remaining actions imply limited)", st)
	}
	back := scheduleFromProto(&schedulepb.Schedule{Policies: pol, State: st}, nil)
	if back.Policies != (SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL, CatchupWindow: time.Minute, PauseOnFailure: true, KeepOriginalWorkflowID: true}) ||
		back.State != (ScheduleState{Paused: true, Note: "n", LimitedActions: true, RemainingActions: 2}) || back.Action != nil {
		t.Errorf("from proto %+v", back)
	}
}

func TestScheduleApplied(t *testing.T) {
	c := testClient()
	base := Schedule{
		Spec:   ScheduleSpec{Intervals: []ScheduleIntervalSpec{{Every: time.Minute}}},
		Action: &ScheduleWorkflowAction{WorkflowType: "W", TaskQueue: "q", Args: []any{"x"}},
		// As described: the server fills in its defaults.
		Policies: SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: 365 * 24 * time.Hour},
		State:    ScheduleState{Note: "n"},
	}
	conv := func(s Schedule) *schedulepb.Schedule { return c.describedToProto("s", &s) }
	before := conv(base)
	change := func(f func(*Schedule)) Schedule {
		s := base
		a := *base.Action
		s.Action = &a
		f(&s)
		return s
	}
	spec := change(func(s *Schedule) { s.Spec.Intervals = []ScheduleIntervalSpec{{Every: time.Hour}} })
	paused := change(func(s *Schedule) { s.State.Paused = true; s.State.Note = "p" })
	cases := []struct {
		name      string
		sent, now Schedule
		want      bool
	}{
		{"nothing changed", base, base, true},
		{"spec written", spec, spec, true},
		{"spec dropped", spec, base, false},
		{"spec dropped, state changed by someone else", spec, paused, false},
		{"spec written, state changed later", spec, change(func(s *Schedule) { s.Spec = spec.Spec; s.State.Paused = true }), true},
		{"action written", change(func(s *Schedule) { s.Action.Args = []any{"y"} }), change(func(s *Schedule) { s.Action.Args = []any{"y"} }), true},
		{"action dropped", change(func(s *Schedule) { s.Action.Args = []any{"y"} }), base, false},
		{"state written", paused, paused, true},
		{"state dropped", paused, base, false},
		{"remaining actions counted down", change(func(s *Schedule) { s.State.RemainingActions = 5 }), change(func(s *Schedule) { s.State.RemainingActions = 4; s.State.LimitedActions = true }), true},
		{"remaining actions dropped", change(func(s *Schedule) { s.State.RemainingActions = 5 }), base, false},
		{"unspecified overlap is SKIP", change(func(s *Schedule) { s.Policies = SchedulePolicies{PauseOnFailure: true} }),
			change(func(s *Schedule) { s.Policies.PauseOnFailure = true }), true},
		{"overlap dropped", change(func(s *Schedule) { s.Policies.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL }), base, false},
		{"catchup window dropped", change(func(s *Schedule) { s.Policies.CatchupWindow = time.Minute }), base, false},
		{"cron compiled", change(func(s *Schedule) { s.Spec = ScheduleSpec{CronExpressions: []string{"@hourly"}} }),
			change(func(s *Schedule) {
				s.Spec = ScheduleSpec{Calendars: []ScheduleCalendarSpec{{Hour: []ScheduleRange{{Start: 0, End: 23}}}}}
			}), true},
		{"cron dropped", change(func(s *Schedule) { s.Spec = ScheduleSpec{CronExpressions: []string{"@hourly"}} }), base, false},
	}
	for _, tc := range cases {
		sent, err := c.scheduleToProto("s", &tc.sent)
		if err != nil {
			t.Fatal(err)
		}
		if got := scheduleApplied(before, sent, conv(tc.now)); got != tc.want {
			t.Errorf("%s: applied = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestScheduleErrorMapping(t *testing.T) {
	c := testClient()
	st := func(err error) error { return serviceerror.ToStatus(err).Err() }

	err := c.scheduleRPCError("create schedule", "s", st(serviceerror.NewInvalidArgument("Invalid schedule spec: interval is too small")))
	var se *ScheduleError
	if !errors.As(err, &se) || se.ScheduleID != "s" || se.Message != "Invalid schedule spec: interval is too small" || status.Code(err) != codes.InvalidArgument {
		t.Fatalf("invalid argument: %v", err)
	}
	if want := `client: create schedule "s": schedule "s" rejected by the server: Invalid schedule spec: interval is too small`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}

	err = c.scheduleRPCError("create schedule", "s", st(serviceerror.NewWorkflowExecutionAlreadyStarted("exists", "req", "run")))
	var ae *ScheduleAlreadyExistsError
	if !errors.As(err, &ae) || ae.ScheduleID != "s" || status.Code(err) != codes.AlreadyExists ||
		err.Error() != `client: create schedule "s": schedule "s" already exists` {
		t.Errorf("already exists: %v", err)
	}

	err = c.scheduleRPCError("pause schedule", "s", st(serviceerror.NewNotFound("workflow execution already completed")))
	var nf *ScheduleNotFoundError
	if !errors.As(err, &nf) || nf.Namespace != "ns" || status.Code(err) != codes.NotFound ||
		err.Error() != `client: pause schedule "s": schedule "s" not found in namespace "ns"` {
		t.Errorf("not found: %v", err)
	}

	// Without a schedule ID (listing), NotFound stays a status error.
	err = c.scheduleRPCError("list schedules", "", st(serviceerror.NewNotFound("x")))
	if errors.As(err, &nf) || status.Code(err) != codes.NotFound || !strings.HasPrefix(err.Error(), "client: list schedules: ") {
		t.Errorf("list: %v", err)
	}
	if c.scheduleRPCError("x", "s", nil) != nil {
		t.Errorf("nil error wrapped")
	}
	if got := (&ScheduleConflictError{ScheduleID: "s", Attempts: 5}).Error(); got != `schedule "s" changed concurrently: update not applied after 5 attempts` {
		t.Errorf("conflict message %q", got)
	}
}

func TestScheduleBackfillChecks(t *testing.T) {
	now := time.Now()
	if err := checkBackfills([]ScheduleBackfill{{Start: now, End: now}}); err != nil {
		t.Errorf("empty range: %v", err)
	}
	if err := checkBackfills([]ScheduleBackfill{{Start: now, End: now.Add(-time.Second)}}); err == nil || !strings.Contains(err.Error(), "is before Start") {
		t.Errorf("reversed: %v", err)
	}
	ps := backfillsToProto([]ScheduleBackfill{{Start: now, End: now.Add(time.Hour), Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL}})
	if len(ps) != 1 || !ps[0].GetStartTime().AsTime().Equal(now) || ps[0].GetOverlapPolicy() != enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL {
		t.Errorf("backfill %v", ps)
	}
}
