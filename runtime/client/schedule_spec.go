package client

import (
	"time"

	schedulepb "go.temporal.io/api/schedule/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ScheduleSpec says when a schedule takes its action: at the union of the
// times of Calendars, Intervals and CronExpressions, minus the times Skip
// matches, between StartAt and EndAt, each delayed by up to Jitter.
//
// The server compiles cron expressions into calendars and intervals, so a
// schedule created with CronExpressions describes itself with Calendars
// (and Intervals, for "@every") instead.
type ScheduleSpec struct {
	// Calendars match times by calendar fields, like cron.
	Calendars []ScheduleCalendarSpec
	// Intervals match every Every, shifted by Offset.
	Intervals []ScheduleIntervalSpec
	// CronExpressions are cron strings of 5 fields (minute hour
	// day-of-month month day-of-week), 6 (…year) or 7 (second first), or
	// @yearly, @monthly, @weekly, @daily, @hourly, or "@every 90m" (an
	// interval, optionally with "/offset"). A "CRON_TZ=Zone " prefix sets
	// the time zone and a "# comment" suffix is allowed.
	CronExpressions []string
	// Skip excludes the times these calendars match.
	Skip []ScheduleCalendarSpec
	// StartAt and EndAt, when not zero, bound the matching times
	// (inclusive).
	StartAt, EndAt time.Time
	// Jitter delays each action by a random duration up to Jitter.
	Jitter time.Duration
	// TimeZoneName is the IANA time zone calendars and cron expressions are
	// interpreted in, e.g. "Europe/Berlin". Default: UTC.
	TimeZoneName string

	raw *schedulepb.ScheduleSpec // as described, for fields not modeled here
}

// ScheduleCalendarSpec matches the times whose calendar fields each match
// one of the field's ranges. A nil field has the default of the cron
// field: 0 for Second, Minute and Hour, every value for DayOfMonth, Month,
// Year and DayOfWeek. An empty, non-nil field matches nothing. Unlike some
// cron implementations, DayOfMonth and DayOfWeek must both match.
type ScheduleCalendarSpec struct {
	Second     []ScheduleRange // 0-59
	Minute     []ScheduleRange // 0-59
	Hour       []ScheduleRange // 0-23
	DayOfMonth []ScheduleRange // 1-31
	Month      []ScheduleRange // 1-12
	Year       []ScheduleRange // e.g. 2030
	DayOfWeek  []ScheduleRange // 0-6, 0 is Sunday
	// Comment describes the intent, for people reading the schedule.
	Comment string
}

// ScheduleRange is the set Start, Start+Step, ... up to End (inclusive).
// An End below Start means End = Start (a single value); a zero Step means
// 1. The server reports ranges with End and Step filled in.
type ScheduleRange struct {
	Start, End, Step int
}

// ScheduleIntervalSpec matches the times epoch + n*Every + Offset for
// every integer n: Every 1h with Offset 15m matches hh:15:00. Both are
// truncated to whole seconds; Every must be at least 1s and Offset less
// than Every.
type ScheduleIntervalSpec struct {
	Every  time.Duration
	Offset time.Duration
}

// defaultCalendar holds the defaults of the calendar fields, as the server
// applies them to string calendar specs.
var defaultCalendar = struct{ second, minute, hour, dayOfMonth, month, dayOfWeek []ScheduleRange }{
	second:     []ScheduleRange{{Start: 0}},
	minute:     []ScheduleRange{{Start: 0}},
	hour:       []ScheduleRange{{Start: 0}},
	dayOfMonth: []ScheduleRange{{Start: 1, End: 31}},
	month:      []ScheduleRange{{Start: 1, End: 12}},
	dayOfWeek:  []ScheduleRange{{Start: 0, End: 6}},
}

// toProto converts s. The time zone data of a described spec, which
// ScheduleSpec does not model, is kept while TimeZoneName is unchanged.
func (s *ScheduleSpec) toProto() *schedulepb.ScheduleSpec {
	out := &schedulepb.ScheduleSpec{}
	if s.raw != nil && s.raw.GetTimezoneName() == s.TimeZoneName {
		out.TimezoneData = s.raw.GetTimezoneData()
	}
	for _, c := range s.Calendars {
		out.StructuredCalendar = append(out.StructuredCalendar, c.toProto())
	}
	for _, c := range s.Skip {
		out.ExcludeStructuredCalendar = append(out.ExcludeStructuredCalendar, c.toProto())
	}
	for _, iv := range s.Intervals {
		out.Interval = append(out.Interval, &schedulepb.IntervalSpec{
			Interval: durationpb.New(iv.Every),
			Phase:    durationOrNil(iv.Offset),
		})
	}
	out.CronString = append([]string(nil), s.CronExpressions...)
	if !s.StartAt.IsZero() {
		out.StartTime = timestamppb.New(s.StartAt)
	}
	if !s.EndAt.IsZero() {
		out.EndTime = timestamppb.New(s.EndAt)
	}
	out.Jitter = durationOrNil(s.Jitter)
	out.TimezoneName = s.TimeZoneName
	return out
}

func (c *ScheduleCalendarSpec) toProto() *schedulepb.StructuredCalendarSpec {
	field := func(rs, def []ScheduleRange) []*schedulepb.Range {
		if rs == nil {
			rs = def
		}
		out := make([]*schedulepb.Range, len(rs))
		for i, r := range rs {
			out[i] = r.toProto()
		}
		return out
	}
	var year []*schedulepb.Range
	if c.Year != nil {
		year = field(c.Year, nil)
	}
	return &schedulepb.StructuredCalendarSpec{
		Second:     field(c.Second, defaultCalendar.second),
		Minute:     field(c.Minute, defaultCalendar.minute),
		Hour:       field(c.Hour, defaultCalendar.hour),
		DayOfMonth: field(c.DayOfMonth, defaultCalendar.dayOfMonth),
		Month:      field(c.Month, defaultCalendar.month),
		Year:       year,
		DayOfWeek:  field(c.DayOfWeek, defaultCalendar.dayOfWeek),
		Comment:    c.Comment,
	}
}

// toProto converts r with End and Step filled in as the server reports
// them, so that a described range converts back to the same message.
func (r ScheduleRange) toProto() *schedulepb.Range {
	out := &schedulepb.Range{Start: int32(r.Start), End: int32(r.End), Step: int32(r.Step)}
	if out.End < out.Start {
		out.End = out.Start
	}
	if out.Step == 0 {
		out.Step = 1
	}
	return out
}

// scheduleSpecFromProto converts a described spec.
func scheduleSpecFromProto(p *schedulepb.ScheduleSpec) ScheduleSpec {
	if p == nil {
		return ScheduleSpec{}
	}
	s := ScheduleSpec{
		CronExpressions: append([]string(nil), p.GetCronString()...),
		StartAt:         timeOf(p.GetStartTime()),
		EndAt:           timeOf(p.GetEndTime()),
		Jitter:          durationOf(p.GetJitter()),
		TimeZoneName:    p.GetTimezoneName(),
		raw:             proto.Clone(p).(*schedulepb.ScheduleSpec),
	}
	for _, c := range p.GetStructuredCalendar() {
		s.Calendars = append(s.Calendars, calendarFromProto(c))
	}
	for _, c := range p.GetExcludeStructuredCalendar() {
		s.Skip = append(s.Skip, calendarFromProto(c))
	}
	for _, iv := range p.GetInterval() {
		s.Intervals = append(s.Intervals, ScheduleIntervalSpec{Every: durationOf(iv.GetInterval()), Offset: durationOf(iv.GetPhase())})
	}
	return s
}

func calendarFromProto(p *schedulepb.StructuredCalendarSpec) ScheduleCalendarSpec {
	// An empty field matches nothing: it stays empty, not nil (the
	// default), except Year, where empty means every year.
	field := func(rs []*schedulepb.Range) []ScheduleRange {
		out := make([]ScheduleRange, len(rs))
		for i, r := range rs {
			out[i] = ScheduleRange{Start: int(r.GetStart()), End: int(r.GetEnd()), Step: int(r.GetStep())}
		}
		return out
	}
	var year []ScheduleRange
	if len(p.GetYear()) > 0 {
		year = field(p.GetYear())
	}
	return ScheduleCalendarSpec{
		Second:     field(p.GetSecond()),
		Minute:     field(p.GetMinute()),
		Hour:       field(p.GetHour()),
		DayOfMonth: field(p.GetDayOfMonth()),
		Month:      field(p.GetMonth()),
		Year:       year,
		DayOfWeek:  field(p.GetDayOfWeek()),
		Comment:    p.GetComment(),
	}
}
