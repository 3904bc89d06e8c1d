package converter

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// overWire converts err to a failure, serialises it as the server would,
// and converts it back.
func overWire(t *testing.T, fc FailureConverter, err error) (*failurepb.Failure, error) {
	t.Helper()
	f := fc.ErrorToFailure(err)
	raw, mErr := proto.Marshal(f)
	if mErr != nil {
		t.Fatal(mErr)
	}
	var back failurepb.Failure
	if uErr := proto.Unmarshal(raw, &back); uErr != nil {
		t.Fatal(uErr)
	}
	return f, fc.FailureToError(&back)
}

func TestFailureRoundTrip(t *testing.T) {
	cause := temporal.NewApplicationError("root", "Root")
	tests := []struct {
		name  string
		err   error
		check func(t *testing.T, f *failurepb.Failure, got error)
	}{
		{"application", temporal.NewApplicationErrorWithOptions("boom", temporal.ApplicationErrorOptions{
			Type: "MyErr", NonRetryable: true, Cause: cause, Details: []any{"d", 7},
			NextRetryDelay: 3 * time.Second, Category: enumspb.APPLICATION_ERROR_CATEGORY_BENIGN,
		}), func(t *testing.T, f *failurepb.Failure, got error) {
			info := f.GetApplicationFailureInfo()
			if f.Message != "boom" || f.Source != "temporalgen" || info.Type != "MyErr" || !info.NonRetryable ||
				info.NextRetryDelay.AsDuration() != 3*time.Second || info.Category != enumspb.APPLICATION_ERROR_CATEGORY_BENIGN ||
				f.Cause.GetApplicationFailureInfo().GetType() != "Root" {
				t.Errorf("failure = %v", f)
			}
			var e *temporal.ApplicationError
			if !errors.As(got, &e) {
				t.Fatalf("got %T", got)
			}
			var s string
			var n int
			if err := e.Details(&s, &n); err != nil || s != "d" || n != 7 {
				t.Errorf("details = %q %d %v", s, n, err)
			}
			if e.Message() != "boom" || e.Type() != "MyErr" || !e.NonRetryable() || e.NextRetryDelay() != 3*time.Second ||
				e.Category() != enumspb.APPLICATION_ERROR_CATEGORY_BENIGN || e.Error() != "boom: root" {
				t.Errorf("error = %v", e)
			}
			var root *temporal.ApplicationError
			if !errors.As(e.Unwrap(), &root) || root.Type() != "Root" || root.HasDetails() {
				t.Errorf("cause = %v", e.Unwrap())
			}
		}},
		{"canceled", temporal.NewCanceledError(map[string]int{"a": 1}), func(t *testing.T, f *failurepb.Failure, got error) {
			var e *temporal.CanceledError
			if !errors.As(got, &e) || !temporal.IsCanceledError(got) || e.Error() != "canceled" {
				t.Fatalf("got %v", got)
			}
			var m map[string]int
			if err := e.Details(&m); err != nil || m["a"] != 1 {
				t.Errorf("details = %v %v", m, err)
			}
		}},
		{"timeout", temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_HEARTBEAT, cause, 42), func(t *testing.T, f *failurepb.Failure, got error) {
			var e *temporal.TimeoutError
			if !errors.As(got, &e) || e.TimeoutType() != enumspb.TIMEOUT_TYPE_HEARTBEAT || !e.HasLastHeartbeatDetails() {
				t.Fatalf("got %v", got)
			}
			var n int
			if err := e.LastHeartbeatDetails(&n); err != nil || n != 42 {
				t.Errorf("heartbeat = %d %v", n, err)
			}
			if e.Error() != "timeout (type: Heartbeat): root" {
				t.Errorf("Error() = %q", e.Error())
			}
		}},
		{"terminated", temporal.NewTerminatedError(), func(t *testing.T, f *failurepb.Failure, got error) {
			if f.GetTerminatedFailureInfo() == nil || got.Error() != "terminated" {
				t.Errorf("got %T %v", got, got)
			}
			var e *temporal.TerminatedError
			if !errors.As(got, &e) {
				t.Errorf("got %T", got)
			}
		}},
		{"server", temporal.NewServerError("srv", true, nil), func(t *testing.T, f *failurepb.Failure, got error) {
			var e *temporal.ServerError
			if !errors.As(got, &e) || !e.NonRetryable() || e.Message() != "srv" {
				t.Errorf("got %v", got)
			}
		}},
		{"panic", temporal.NewPanicError("oops", "goroutine 1"), func(t *testing.T, f *failurepb.Failure, got error) {
			if f.GetApplicationFailureInfo().GetType() != "PanicError" || f.StackTrace != "goroutine 1" {
				t.Errorf("failure = %v", f)
			}
			var e *temporal.PanicError
			if !errors.As(got, &e) || e.Error() != "oops" || e.StackTrace() != "goroutine 1" {
				t.Errorf("got %v", got)
			}
		}},
		{"activity", temporal.NewActivityError(5, 6, "x", "Foo", "a1", enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED, cause),
			func(t *testing.T, f *failurepb.Failure, got error) {
				var e *temporal.ActivityError
				if !errors.As(got, &e) || e.ScheduledEventID() != 5 || e.StartedEventID() != 6 || e.Identity() != "x" ||
					e.ActivityType() != "Foo" || e.ActivityID() != "a1" || e.RetryState() != enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED {
					t.Fatalf("got %v", got)
				}
				if want := "activity error (type: Foo, scheduledEventID: 5, startedEventID: 6, identity: x): root"; e.Error() != want {
					t.Errorf("Error() = %q, want %q", e.Error(), want)
				}
			}},
		{"child", temporal.NewChildWorkflowError("ns", "wid", "rid", "Wf", 3, 4, enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, cause),
			func(t *testing.T, f *failurepb.Failure, got error) {
				var e *temporal.ChildWorkflowError
				if !errors.As(got, &e) || e.Namespace() != "ns" || e.WorkflowID() != "wid" || e.RunID() != "rid" ||
					e.WorkflowType() != "Wf" || e.InitiatedEventID() != 3 || e.StartedEventID() != 4 ||
					e.RetryState() != enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE {
					t.Fatalf("got %v", got)
				}
				var root *temporal.ApplicationError
				if !errors.As(got, &root) || root.Type() != "Root" {
					t.Errorf("cause = %v", e.Unwrap())
				}
			}},
		{"plain error", errors.New("plain"), func(t *testing.T, f *failurepb.Failure, got error) {
			info := f.GetApplicationFailureInfo()
			if info == nil || info.Type != "" || info.NonRetryable || f.Message != "plain" {
				t.Errorf("failure = %v", f)
			}
		}},
		{"typed error", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist}, func(t *testing.T, f *failurepb.Failure, got error) {
			if f.GetApplicationFailureInfo().GetType() != "PathError" || f.Message != "open /x: file does not exist" ||
				f.GetCause().GetMessage() != "file does not exist" {
				t.Errorf("failure = %v", f)
			}
		}},
		{"wrapped", fmt.Errorf("ctx: %w", cause), func(t *testing.T, f *failurepb.Failure, got error) {
			if f.GetApplicationFailureInfo().GetType() != "wrapError" || f.Message != "ctx: root" ||
				f.GetCause().GetApplicationFailureInfo().GetType() != "Root" {
				t.Errorf("failure = %v", f)
			}
		}},
		{"workflow execution", temporal.NewWorkflowExecutionError("wid", "rid", "Wf", cause), func(t *testing.T, f *failurepb.Failure, got error) {
			if f.GetApplicationFailureInfo().GetType() != "WorkflowExecutionError" || f.Message != "workflow execution error" ||
				f.GetCause().GetMessage() != "root" {
				t.Errorf("failure = %v", f)
			}
		}},
	}
	fc := NewFailureConverter(Default(), FailureConverterOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, got := overWire(t, fc, tt.err)
			tt.check(t, f, got)
			// Re-encoding a decoded error reproduces the failure, reusing
			// the encoded details.
			if again := fc.ErrorToFailure(got); tt.name != "plain error" && tt.name != "typed error" &&
				tt.name != "wrapped" && tt.name != "workflow execution" && !proto.Equal(again, f) {
				t.Errorf("re-encoded failure differs:\n got %v\nwant %v", again, f)
			}
		})
	}
	if fc.ErrorToFailure(nil) != nil || fc.FailureToError(nil) != nil {
		t.Error("nil not preserved")
	}
}

func TestFailureFromOtherSDKs(t *testing.T) {
	dc := Default()
	details, _ := dc.ToPayloads("x")
	attrs, _ := dc.ToPayload(map[string]string{"message": "secret", "stack_trace": "at f()"})
	tests := []struct {
		name  string
		f     *failurepb.Failure
		check func(t *testing.T, err error)
	}{
		{"no failure info", &failurepb.Failure{Message: "m", Cause: &failurepb.Failure{Message: "c"}}, func(t *testing.T, err error) {
			var e *temporal.ApplicationError
			if !errors.As(err, &e) || e.Type() != "" || e.Error() != "m: c" {
				t.Errorf("got %v", err)
			}
		}},
		{"encoded attributes", &failurepb.Failure{Message: "Encoded failure", EncodedAttributes: attrs,
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "PanicError"}}},
			func(t *testing.T, err error) {
				var e *temporal.PanicError
				if !errors.As(err, &e) || e.Error() != "secret" || e.StackTrace() != "at f()" {
					t.Errorf("got %v", err)
				}
			}},
		{"reset workflow", &failurepb.Failure{Message: "reset", FailureInfo: &failurepb.Failure_ResetWorkflowFailureInfo{
			ResetWorkflowFailureInfo: &failurepb.ResetWorkflowFailureInfo{LastHeartbeatDetails: details}}},
			func(t *testing.T, err error) {
				var e *temporal.ApplicationError
				var s string
				if !errors.As(err, &e) || !e.NonRetryable() || e.Details(&s) != nil || s != "x" {
					t.Errorf("got %v", err)
				}
			}},
		{"activity timeout", &failurepb.Failure{Message: "activity error",
			FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
				ActivityType: &commonpb.ActivityType{Name: "A"}, RetryState: enumspb.RETRY_STATE_TIMEOUT}},
			Cause: &failurepb.Failure{Message: "activity StartToClose timeout",
				FailureInfo: &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{
					TimeoutType: enumspb.TIMEOUT_TYPE_START_TO_CLOSE}}}},
			func(t *testing.T, err error) {
				var e *temporal.TimeoutError
				if !errors.As(err, &e) || e.TimeoutType() != enumspb.TIMEOUT_TYPE_START_TO_CLOSE || e.HasLastHeartbeatDetails() {
					t.Fatalf("got %v", err)
				}
				if !errors.Is(e.LastHeartbeatDetails(new(int)), temporal.ErrNoDetails) {
					t.Error("want ErrNoDetails")
				}
				if want := "activity error (type: A, scheduledEventID: 0, startedEventID: 0, identity: ): activity StartToClose timeout (type: StartToClose)"; err.Error() != want {
					t.Errorf("Error() = %q, want %q", err.Error(), want)
				}
			}},
	}
	fc := NewFailureConverter(nil, FailureConverterOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := proto.Clone(tt.f)
			tt.check(t, fc.FailureToError(tt.f))
			if !proto.Equal(orig, tt.f) {
				t.Error("FailureToError modified its input")
			}
		})
	}
}

func TestEncodeCommonAttributes(t *testing.T) {
	fc := NewFailureConverter(Default(), FailureConverterOptions{EncodeCommonAttributes: true})
	err := temporal.NewApplicationErrorWithOptions("outer", temporal.ApplicationErrorOptions{Type: "T", Cause: temporal.NewPanicError("inner", "stack")})
	f, got := overWire(t, fc, err)
	for i, ff := range []*failurepb.Failure{f, f.GetCause()} {
		if ff.Message != "Encoded failure" || ff.StackTrace != "" || string(ff.GetEncodedAttributes().GetMetadata()["encoding"]) != "json/plain" {
			t.Errorf("failure %d = %v", i, ff)
		}
	}
	if want := `{"message":"inner","stack_trace":"stack"}`; string(f.GetCause().GetEncodedAttributes().GetData()) != want {
		t.Errorf("attributes = %s, want %s", f.GetCause().GetEncodedAttributes().GetData(), want)
	}
	var p *temporal.PanicError
	if got.Error() != "outer: inner" || !errors.As(got, &p) || p.StackTrace() != "stack" {
		t.Errorf("got %v", got)
	}
}

func TestGoErrorType(t *testing.T) {
	type valueErr struct{ error }
	tests := []struct {
		err  error
		want string
	}{
		{errors.New("x"), ""},
		{&fs.PathError{}, "PathError"},
		{valueErr{errors.New("x")}, "valueErr"},
		{fmt.Errorf("a %w", errors.New("b")), "wrapError"},
		{temporal.NewTerminatedError(), "TerminatedError"},
	}
	for _, tt := range tests {
		if got := goErrorType(tt.err); got != tt.want {
			t.Errorf("goErrorType(%T) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestUnencodableDetails(t *testing.T) {
	fc := NewFailureConverter(Default(), FailureConverterOptions{})
	f := fc.ErrorToFailure(temporal.NewApplicationError("m", "T", func() {}))
	if f.GetApplicationFailureInfo().GetDetails() != nil || f.Message == "m" {
		t.Errorf("failure = %v", f)
	}
}

// loopError is its own cause: an Unwrap chain that never ends.
type loopError struct{}

func (loopError) Error() string   { return "loop" }
func (e loopError) Unwrap() error { return e }

// chainOf returns a wire failure chain of n application failures.
func chainOf(n int) *failurepb.Failure {
	var f *failurepb.Failure
	for i := n; i > 0; i-- {
		f = &failurepb.Failure{Message: fmt.Sprintf("level %d", i), Cause: f,
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "Level"}}}
	}
	return f
}

// TestFailureCauseChainsAreBounded: found by FuzzFailureConversion. Cause
// chains longer than MaxFailureDepth are cut in both directions, so that
// a deeply nested failure from the wire cannot make Error() quadratic
// and an error whose Unwrap loops cannot overflow the stack.
func TestFailureCauseChainsAreBounded(t *testing.T) {
	fc := NewFailureConverter(nil, FailureConverterOptions{})
	errDepth := func(err error) (n int, last error) {
		for ; err != nil && n < 10*MaxFailureDepth; err = errors.Unwrap(err) {
			n, last = n+1, err
		}
		return n, last
	}
	failDepth := func(f *failurepb.Failure) (n int, last *failurepb.Failure) {
		for ; f != nil && n < 10*MaxFailureDepth; f = f.GetCause() {
			n, last = n+1, f
		}
		return n, last
	}
	truncated := func(t *testing.T, err error) {
		t.Helper()
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || ae.Type() != TruncatedCausesType || !strings.Contains(ae.Message(), "at most 100 failures") {
			t.Errorf("last link = %v (%T), want a %s application error", err, err, TruncatedCausesType)
		}
	}

	t.Run("FromTheWire", func(t *testing.T) {
		err := fc.FailureToError(chainOf(5000))
		n, last := errDepth(err)
		if n != MaxFailureDepth {
			t.Errorf("error chain of %d, want %d", n, MaxFailureDepth)
		}
		truncated(t, last)
		if !strings.HasPrefix(err.Error(), "level 1: level 2: ") {
			t.Errorf("message %.40q...", err.Error())
		}
		if n, _ := failDepth(fc.ErrorToFailure(err)); n != MaxFailureDepth {
			t.Errorf("converted back: failure chain of %d, want %d", n, MaxFailureDepth)
		}
	})
	t.Run("AtTheLimit", func(t *testing.T) {
		n, last := errDepth(fc.FailureToError(chainOf(MaxFailureDepth)))
		var ae *temporal.ApplicationError
		if n != MaxFailureDepth || !errors.As(last, &ae) || ae.Message() != fmt.Sprintf("level %d", MaxFailureDepth) {
			t.Errorf("a chain of exactly %d: %d links, last %v", MaxFailureDepth, n, last)
		}
	})
	t.Run("LoopingUnwrap", func(t *testing.T) {
		n, last := failDepth(fc.ErrorToFailure(loopError{}))
		if n != MaxFailureDepth {
			t.Errorf("failure chain of %d, want %d", n, MaxFailureDepth)
		}
		truncated(t, fc.FailureToError(last))
	})
}
