package engine

import (
	"encoding/json"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkpb "go.temporal.io/api/sdk/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/sm"
)

// LocalActivityMarkerName names the markers that record local activity
// results. The marker format must never change.
const LocalActivityMarkerName = "core_local_activity"

// localMarkerData is the "data" detail of a local activity marker.
type localMarkerData struct {
	Seq          int64     `json:"seq"`
	Attempt      int32     `json:"attempt"`
	ActivityID   string    `json:"activity_id"`
	ActivityType string    `json:"activity_type"`
	CompleteTime time.Time `json:"complete_time"`
	Backoff      string    `json:"backoff,omitempty"`
	ScheduleTime time.Time `json:"original_schedule_time"`
}

// LocalActivityOptions are the engine's local activity options.
type LocalActivityOptions struct {
	ActivityID             string
	ScheduleToCloseTimeout time.Duration
	StartToCloseTimeout    time.Duration
	RetryPolicy            *commonpb.RetryPolicy
	ScheduleToStartTimeout time.Duration // from scheduling to the first attempt's start
	LocalRetryThreshold    time.Duration // default 1 minute
	CancellationType       sm.ActivityCancellationType
	Header                 *commonpb.Header
	Metadata               *sdkpb.UserMetadata // the marker command's summary
}

// LocalActivityRequest asks the worker to run one local activity attempt
// series in process.
type LocalActivityRequest struct {
	Seq          int64
	ActivityID   string
	ActivityType string
	Input        *commonpb.Payloads
	Attempt      int32
	ScheduleTime time.Time // of the first attempt
	Options      LocalActivityOptions
	WorkflowID   string
	RunID        string
	WorkflowType string
	Namespace    string
	TaskQueue    string
}

// LocalActivityResult is what the worker reports for a request: a result,
// or a failure; Backoff > 0 asks for a durable timer before attempt
// Attempt+1 because the next retry is past the local retry threshold.
type LocalActivityResult struct {
	Seq          int64
	Result       *commonpb.Payloads
	Failure      *failurepb.Failure
	Attempt      int32
	Backoff      time.Duration
	CompleteTime time.Time
}

// localActivity is a local activity the run is waiting for.
type localActivity struct {
	req  LocalActivityRequest
	ctx  *Context // the caller's: cancels attempts and backoff timers
	f    *Future
	m    *sm.LocalActivity // where it is: scheduled, running, resolved, ...
	stop func()
}

// ExecuteLocalActivity runs an activity in the worker process; its result
// is recorded in a marker so that replays do not run it again.
func (c *Context) ExecuteLocalActivity(opts LocalActivityOptions, activityType string, input *commonpb.Payloads) *Future {
	return c.StartLocalActivity(opts, activityType, input).Result
}

// LocalActivity is a started local activity.
type LocalActivity struct {
	Result *Future
	id     string
	cancel func()
}

// ID returns the activity id ("" if it was never started).
func (l *LocalActivity) ID() string { return l.id }

// Cancel cancels the local activity (its attempts and any backoff timer)
// according to its cancellation type.
func (l *LocalActivity) Cancel() {
	if l.cancel != nil {
		l.cancel()
	}
}

// StartLocalActivity runs an activity in the worker process and returns
// it: its id, cancellation and result. Cancelling c cancels it too.
func (c *Context) StartLocalActivity(opts LocalActivityOptions, activityType string, input *commonpb.Payloads) *LocalActivity {
	r := c.run
	f := NewFuture()
	l := &LocalActivity{Result: f}
	if err := r.checkWritable("ExecuteLocalActivity"); err != nil {
		f.SetPayloads(nil, err)
		return l
	}
	if err := c.Err(); err != nil {
		f.SetPayloads(nil, err)
		return l
	}
	if opts.ScheduleToCloseTimeout <= 0 && opts.StartToCloseTimeout <= 0 {
		f.SetPayloads(nil, ErrMissingTimeout)
		return l
	}
	if opts.LocalRetryThreshold <= 0 {
		opts.LocalRetryThreshold = time.Minute
	}
	// The activity runs in a context of its own, so that Cancel reaches
	// every attempt and backoff timer the way cancelling c does.
	lc, cancel := c.WithCancel()
	l.cancel = cancel
	la := r.startLocal(lc, LocalActivityRequest{
		ActivityID: opts.ActivityID, ActivityType: activityType, Input: input, Attempt: 1,
		ScheduleTime: r.now, Options: opts,
	}, f)
	l.id = la.req.ActivityID
	return l
}

func (r *Run) startLocal(c *Context, req LocalActivityRequest, f *Future) *localActivity {
	req.Seq = r.ms.NextSeq("activity")
	if req.ActivityID == "" {
		req.ActivityID = itoa(req.Seq)
	}
	req.WorkflowID, req.RunID, req.WorkflowType = r.info.WorkflowID, r.info.RunID, r.info.WorkflowType
	req.Namespace, req.TaskQueue = r.info.Namespace, r.info.TaskQueue
	la := &localActivity{req: req, f: f, ctx: c, m: r.ms.LocalActivity(req.Options.CancellationType)}
	r.locals = append(r.locals, la)
	la.stop = c.OnCancel(func() { r.cancelLocal(la) })
	return la
}

func (r *Run) cancelLocal(la *localActivity) {
	// A replay waits for the outcome exactly when the original execution
	// did: when the activity had been handed to a worker (the machine
	// knows).
	now, tell := la.m.Cancel()
	if now {
		la.f.SetPayloads(nil, r.cfg.FailureConverter.FailureToError(r.localFailure(la.req, &failurepb.Failure{
			Message:     "local activity canceled",
			FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}},
		})))
		r.removeLocal(la)
	}
	if tell {
		r.cancelLocals = append(r.cancelLocals, la.req.Seq)
	}
}

// markLocalsHanded records, at the end of a replayed workflow task, that
// the local activities still pending were handed to a worker then.
func (r *Run) markLocalsHanded() {
	for _, la := range r.locals {
		la.m.HandedBefore()
	}
}

func (r *Run) removeLocal(la *localActivity) {
	for i, l := range r.locals {
		if l == la {
			r.locals = append(r.locals[:i], r.locals[i+1:]...)
			return
		}
	}
}

// resolveLocal records a local activity's result and resolves its future
// (or, for a backoff, starts the durable timer before the next attempt).
func (r *Run) resolveLocal(la *localActivity, res LocalActivityResult) {
	r.removeLocal(la)
	if !la.m.Resolve(res.Backoff > 0) {
		return // resolved as cancelled already
	}
	if la.stop != nil {
		la.stop()
	}
	r.recordLocalMarker(la.req, res)
	if res.Backoff > 0 {
		next := la.req
		next.Attempt = res.Attempt + 1
		f, ctx := la.f, la.ctx
		var stop func()
		t := r.ms.StartTimer(res.Backoff, func(canceled bool) {
			if stop != nil {
				stop()
			}
			if canceled {
				f.SetPayloads(nil, r.cfg.FailureConverter.FailureToError(r.localFailure(next, &failurepb.Failure{
					Message:     "local activity canceled",
					FailureInfo: &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{}},
				})))
				return
			}
			next.ActivityID = ""
			r.startLocal(ctx, next, f)
		})
		// Cancelling the caller's context during the backoff cancels the
		// timer and resolves the activity as cancelled.
		stop = ctx.OnCancel(t.Cancel)
		return
	}
	if res.Failure != nil {
		la.f.SetPayloads(nil, r.cfg.FailureConverter.FailureToError(r.localFailure(la.req, res.Failure)))
		return
	}
	la.f.SetPayloads(res.Result, nil)
}

func (r *Run) localFailure(req LocalActivityRequest, cause *failurepb.Failure) *failurepb.Failure {
	return &failurepb.Failure{
		Message: "local activity error",
		Cause:   cause,
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityType: &commonpb.ActivityType{Name: req.ActivityType},
			ActivityId:   req.ActivityID,
		}},
	}
}

func (r *Run) recordLocalMarker(req LocalActivityRequest, res LocalActivityResult) {
	d := localMarkerData{Seq: req.Seq, Attempt: res.Attempt, ActivityID: req.ActivityID, ActivityType: req.ActivityType,
		CompleteTime: res.CompleteTime.UTC(), ScheduleTime: req.ScheduleTime.UTC()}
	if res.Backoff > 0 {
		d.Backoff = res.Backoff.String()
	}
	data, _ := json.Marshal(d)
	details := map[string]*commonpb.Payloads{"data": {Payloads: []*commonpb.Payload{{
		Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: data}}}}
	if res.Result != nil {
		details["result"] = res.Result
	}
	r.ms.RecordMarker(&commandpb.RecordMarkerCommandAttributes{MarkerName: LocalActivityMarkerName, Details: details, Failure: res.Failure}, nil)
	r.ms.AnnotateLast(req.Options.Metadata)
}

// localsAhead reads the local activity markers among the command events
// that start at events[0], keyed by sequence number.
func localsAhead(events []*historypb.HistoryEvent) map[int64]LocalActivityResult {
	var out map[int64]LocalActivityResult
	for _, e := range events {
		if !sm.IsCommandEvent(e.EventType) {
			break
		}
		a := e.GetMarkerRecordedEventAttributes()
		if a == nil || a.MarkerName != LocalActivityMarkerName {
			continue
		}
		var d localMarkerData
		ps := a.GetDetails()["data"].GetPayloads()
		if len(ps) == 0 || json.Unmarshal(ps[0].GetData(), &d) != nil {
			continue
		}
		res := LocalActivityResult{Seq: d.Seq, Result: a.GetDetails()["result"], Failure: a.GetFailure(), Attempt: d.Attempt, CompleteTime: d.CompleteTime}
		if d.Backoff != "" {
			res.Backoff, _ = time.ParseDuration(d.Backoff)
		}
		if out == nil {
			out = make(map[int64]LocalActivityResult)
		}
		out[d.Seq] = res
	}
	return out
}

// resolveFromHistory resolves pending local activities whose markers are
// ahead, in request order, running code after each round. It reports
// whether any was resolved.
func (r *Run) resolveFromHistory() (bool, error) {
	any := false
	for len(r.localAhead) > 0 {
		progressed := false
		for _, la := range append([]*localActivity(nil), r.locals...) {
			if res, ok := r.localAhead[la.req.Seq]; ok {
				delete(r.localAhead, la.req.Seq)
				r.resolveLocal(la, res)
				progressed = true
			}
		}
		if !progressed {
			break
		}
		any = true
		if err := r.runCode(); err != nil {
			return any, err
		}
	}
	return any, nil
}

// takeLocalRequests hands pending local activities to the worker.
func (r *Run) takeLocalRequests() []LocalActivityRequest {
	var out []LocalActivityRequest
	for _, la := range r.locals {
		if la.m.ToHand() {
			la.m.Hand()
			out = append(out, la.req)
		}
	}
	return out
}

// resolveLocals applies the results of local activities the worker ran,
// runs workflow code, and returns what to do next: more local activities,
// or the commands to send.
func (r *Run) resolveLocals(results []LocalActivityResult) (Output, error) {
	for _, res := range results {
		for _, la := range r.locals {
			if la.req.Seq == res.Seq {
				r.resolveLocal(la, res)
				break
			}
		}
	}
	if err := r.runCode(); err != nil {
		return Output{}, err
	}
	return r.completion(), nil
}

// completion builds the answer of the current (live) task: local
// activities to run first, or the commands.
func (r *Run) completion() Output {
	c := Output{CancelLocal: r.cancelLocals}
	r.cancelLocals = nil
	if reqs := r.takeLocalRequests(); len(reqs) > 0 || r.localsRunning() {
		// Commands and update messages wait together for the task's
		// completion (or heartbeat): a ProtocolMessage command needs its
		// message in the same answer.
		c.RunLocal = reqs
		c.WaitLocal = true
		return c
	}
	c.Commands, c.Messages = r.ms.TakeCommands(), r.ms.TakeMessages()
	return c
}

func (r *Run) localsRunning() bool {
	for _, la := range r.locals {
		if la.m.Running() {
			return true
		}
	}
	return false
}

// heartbeat returns the commands issued so far, for a workflow task
// completion that keeps the task alive while local activities run.
func (r *Run) heartbeat() Output {
	c := Output{Commands: r.ms.TakeCommands(), Messages: r.ms.TakeMessages()}
	return c
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
