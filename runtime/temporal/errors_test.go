package temporal

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

func TestErrorStrings(t *testing.T) {
	cause := errors.New("root")
	tests := []struct {
		err  error
		want string
	}{
		{NewApplicationError("m", "T"), "m"},
		{NewNonRetryableApplicationError("m", "T", cause), "m: root"},
		{NewCanceledError(), "canceled"},
		{NewTimeoutError(enumspb.TIMEOUT_TYPE_START_TO_CLOSE, nil), "timeout (type: StartToClose)"},
		{NewTimeoutError(enumspb.TIMEOUT_TYPE_HEARTBEAT, cause), "timeout (type: Heartbeat): root"},
		{NewTerminatedError(), "terminated"},
		{NewServerError("srv", false, cause), "srv: root"},
		{NewPanicError(42, "stack"), "42"},
		{NewActivityError(5, 6, "x", "Foo", "a", enumspb.RETRY_STATE_UNSPECIFIED, cause),
			"activity error (type: Foo, scheduledEventID: 5, startedEventID: 6, identity: x): root"},
		{NewChildWorkflowError("ns", "w", "r", "Wf", 1, 2, enumspb.RETRY_STATE_UNSPECIFIED, nil),
			"child workflow execution error (type: Wf, workflowID: w, runID: r, initiatedEventID: 1, startedEventID: 2)"},
		{NewWorkflowExecutionError("w", "r", "Wf", NewTerminatedError()),
			"workflow execution error (type: Wf, workflowID: w, runID: r): terminated"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.err), func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnwrapChains(t *testing.T) {
	app := NewApplicationError("inner", "Inner")
	tests := []struct {
		name string
		err  error
	}{
		{"application", NewNonRetryableApplicationError("m", "T", app)},
		{"timeout", NewTimeoutError(enumspb.TIMEOUT_TYPE_HEARTBEAT, app)},
		{"server", NewServerError("m", true, app)},
		{"activity", NewActivityError(1, 2, "", "A", "", 0, app)},
		{"child", NewChildWorkflowError("", "", "", "", 0, 0, 0, app)},
		{"workflow", NewWorkflowExecutionError("", "", "", app)},
		{"fmt wrapped", fmt.Errorf("x: %w", NewActivityError(1, 2, "", "A", "", 0, app))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *ApplicationError
			if !errors.As(tt.err, &got) {
				t.Fatal("errors.As failed")
			}
			if !errors.Is(tt.err, app) {
				t.Error("errors.Is failed")
			}
		})
	}
	if !IsCanceledError(fmt.Errorf("w: %w", NewCanceledError())) || IsCanceledError(app) || IsCanceledError(nil) {
		t.Error("IsCanceledError")
	}
}

func TestApplicationErrorAccessors(t *testing.T) {
	e := NewApplicationErrorWithOptions("m", ApplicationErrorOptions{
		Type: "T", NonRetryable: true, NextRetryDelay: time.Second,
		Category: enumspb.APPLICATION_ERROR_CATEGORY_BENIGN, Details: []any{1},
	})
	if e.Message() != "m" || e.Type() != "T" || !e.NonRetryable() || e.NextRetryDelay() != time.Second ||
		e.Category() != enumspb.APPLICATION_ERROR_CATEGORY_BENIGN || e.Unwrap() != nil ||
		len(e.DetailValues()) != 1 || e.EncodedDetails() != nil {
		t.Errorf("unexpected %+v", e)
	}
	if NewApplicationError("m", "T").NonRetryable() {
		t.Error("NewApplicationError is non-retryable")
	}
}

type person struct{ Name string }

func TestGoDetails(t *testing.T) {
	tests := []struct {
		name    string
		details []any
		ptrs    func() []any
		want    []any
		wantErr string
	}{
		{"typed", []any{"a", 2, person{"x"}}, func() []any { return []any{new(string), new(int), new(person)} },
			[]any{"a", 2, person{"x"}}, ""},
		{"pointer detail into value", []any{&person{"y"}}, func() []any { return []any{new(person)} }, []any{person{"y"}}, ""},
		{"into any", []any{3}, func() []any { return []any{new(any)} }, []any{3}, ""},
		{"nil detail", []any{nil}, func() []any { s := "keep"; return []any{&s} }, []any{""}, ""},
		{"fewer details", []any{"a"}, func() []any { n := 9; return []any{new(string), &n} }, []any{"a", 9}, ""},
		{"mismatch", []any{"a"}, func() []any { return []any{new(int)} }, nil,
			"temporal: detail 0: cannot assign value of type string to int"},
		{"not pointer", []any{"a"}, func() []any { return []any{"s"} }, nil,
			"temporal: detail 0: cannot decode into string: need a non-nil pointer"},
		{"none", nil, func() []any { return []any{new(int)} }, nil, ErrNoDetails.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := []interface {
				HasDetails() bool
				Details(...any) error
			}{NewApplicationError("m", "T", tt.details...), NewCanceledError(tt.details...)}
			for _, e := range errs {
				if e.HasDetails() != (len(tt.details) > 0) {
					t.Errorf("%T.HasDetails() = %v", e, e.HasDetails())
				}
				ptrs := tt.ptrs()
				err := e.Details(ptrs...)
				if tt.wantErr != "" {
					if err == nil || err.Error() != tt.wantErr {
						t.Errorf("%T.Details err = %v, want %q", e, err, tt.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				for i, p := range ptrs {
					if got := fmt.Sprint(deref(p)); got != fmt.Sprint(tt.want[i]) {
						t.Errorf("%T detail %d = %v, want %v", e, i, got, tt.want[i])
					}
				}
			}
		})
	}
	to := NewTimeoutError(enumspb.TIMEOUT_TYPE_HEARTBEAT, nil, 5)
	var n int
	if !to.HasLastHeartbeatDetails() || to.LastHeartbeatDetails(&n) != nil || n != 5 || to.LastHeartbeatDetailValues()[0] != 5 {
		t.Errorf("heartbeat = %d", n)
	}
}

func deref(p any) any {
	switch v := p.(type) {
	case *string:
		return *v
	case *int:
		return *v
	case *person:
		return *v
	case *any:
		return *v
	}
	return p
}

// fakeDecoder records what it was asked to decode.
type fakeDecoder struct{ calls int }

func (d *fakeDecoder) FromPayloads(p *commonpb.Payloads, ptrs ...any) error {
	d.calls++
	for i, ptr := range ptrs {
		if i < len(p.GetPayloads()) {
			*ptr.(*string) = string(p.Payloads[i].Data)
		}
	}
	return nil
}

func TestWireDetails(t *testing.T) {
	ps := &commonpb.Payloads{Payloads: []*commonpb.Payload{{Data: []byte("hi")}}}
	dec := &fakeDecoder{}
	var s string
	tests := []struct {
		name    string
		details func(...any) error
		has     bool
		raw     *commonpb.Payloads
	}{
		{"application", NewApplicationErrorFromWire("m", ApplicationErrorOptions{Details: []any{"ignored"}}, ps, dec).Details, true, ps},
		{"canceled", NewCanceledErrorFromWire("", ps, dec).Details, true, ps},
		{"timeout", NewTimeoutErrorFromWire("", 0, nil, ps, dec).LastHeartbeatDetails, true, ps},
		{"empty", NewCanceledErrorFromWire("", &commonpb.Payloads{}, dec).Details, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s = ""
			err := tt.details(&s)
			if tt.has && (err != nil || s != "hi") {
				t.Errorf("Details = %q, %v", s, err)
			}
			if !tt.has && !errors.Is(err, ErrNoDetails) {
				t.Errorf("err = %v, want ErrNoDetails", err)
			}
		})
	}
	e := NewApplicationErrorFromWire("m", ApplicationErrorOptions{}, ps, nil)
	if e.EncodedDetails() != ps || e.DetailValues() != nil {
		t.Error("raw access")
	}
	if err := e.Details(&s); err == nil || !strings.Contains(err.Error(), "no decoder") {
		t.Errorf("err = %v", err)
	}
	if c := NewCanceledErrorFromWire("", nil, nil); c.Error() != "canceled" {
		t.Errorf("Error() = %q", c.Error())
	}
	if to := NewTimeoutErrorFromWire("activity timeout", enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START, nil, nil, nil); to.Message() != "activity timeout" ||
		to.EncodedLastHeartbeatDetails() != nil {
		t.Errorf("timeout = %v", to)
	}
}
