package interop

// Values and reports shared by the tests. Every type here is encoded by
// both SDKs' default data converters, so the field tags matter.

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
	sdktemporal "go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Person is a struct with json tags, including omitempty, a slice, a map
// and characters that encoding/json escapes.
type Person struct {
	Name  string            `json:"name"`
	Age   int               `json:"age,omitempty"`
	Tags  []string          `json:"tags"`
	Extra map[string]string `json:"extra,omitempty"`
	Note  string            `json:"note"`
}

func fixturePerson() Person {
	return Person{
		Name:  "Ada",
		Age:   36,
		Tags:  []string{"math", "engines"},
		Extra: map[string]string{"b": "2", "a": "1"},
		Note:  "héllo <&> \u2603 \"quoted\"",
	}
}

func fixtureBytes() []byte { return []byte{0x00, 0x01, 0x7f, 0x80, 0xff, 'x', '"'} }

func fixtureProto() *commonpb.WorkflowExecution {
	return &commonpb.WorkflowExecution{WorkflowId: "wf-\u00e9-1", RunId: "run-<1>"}
}

const (
	fixtureString = "a string with \u00fcnicode and <html> & \"quotes\""
	fixtureInt    = 42
)

// FailSpec tells a failing activity or workflow what to fail with.
type FailSpec struct {
	Type         string `json:"type"`
	Message      string `json:"message"`
	NonRetryable bool   `json:"nonRetryable"`
}

// The details every deliberate ApplicationError carries.
const detail1 = "detail-1"

func detail2() Person { return fixturePerson() }

// ErrReport is what workflow (or client) code of either SDK learned about
// an error; it is compared across SDKs.
type ErrReport struct {
	Present      bool   `json:"present"`
	Wrapper      string `json:"wrapper"` // "activity:<type>", "child:<type>" or ""
	RetryState   string `json:"retryState"`
	Type         string `json:"type"`
	Message      string `json:"message"`
	NonRetryable bool   `json:"nonRetryable"`
	HasDetails   bool   `json:"hasDetails"`
	Detail1      string `json:"detail1"`
	Detail2      Person `json:"detail2"`
	DetailsErr   string `json:"detailsErr"`
	AppError     bool   `json:"appError"`
}

// expectedReport is the report for spec raised through wrapper.
func expectedReport(spec FailSpec, wrapper, retryState string) ErrReport {
	return ErrReport{
		Present: true, Wrapper: wrapper, RetryState: retryState,
		Type: spec.Type, Message: spec.Message, NonRetryable: spec.NonRetryable,
		HasDetails: true, Detail1: detail1, Detail2: detail2(), AppError: true,
	}
}

// ourReport summarises an error seen by our runtime.
func ourReport(err error) ErrReport {
	if err == nil {
		return ErrReport{}
	}
	r := ErrReport{Present: true}
	var ae *temporal.ActivityError
	if errors.As(err, &ae) {
		r.Wrapper, r.RetryState = "activity:"+ae.ActivityType(), ae.RetryState().String()
	}
	var ce *temporal.ChildWorkflowError
	if errors.As(err, &ce) {
		r.Wrapper, r.RetryState = "child:"+ce.WorkflowType(), ce.RetryState().String()
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		r.AppError = true
		r.Type, r.Message, r.NonRetryable, r.HasDetails = app.Type(), app.Message(), app.NonRetryable(), app.HasDetails()
		if err := app.Details(&r.Detail1, &r.Detail2); err != nil {
			r.DetailsErr = err.Error()
		}
	} else {
		r.Message = err.Error()
	}
	return r
}

// sdkReport summarises an error seen by sdk-go.
func sdkReport(err error) ErrReport {
	if err == nil {
		return ErrReport{}
	}
	r := ErrReport{Present: true}
	var ae *sdktemporal.ActivityError
	if errors.As(err, &ae) {
		r.Wrapper, r.RetryState = "activity:"+ae.ActivityType().GetName(), ae.RetryState().String()
	}
	var ce *sdktemporal.ChildWorkflowExecutionError
	if errors.As(err, &ce) {
		r.Wrapper, r.RetryState = "child:"+ce.WorkflowType(), ce.RetryState().String()
	}
	var app *sdktemporal.ApplicationError
	if errors.As(err, &app) {
		r.AppError = true
		r.Type, r.Message, r.NonRetryable, r.HasDetails = app.Type(), app.Message(), app.NonRetryable(), app.HasDetails()
		if err := app.Details(&r.Detail1, &r.Detail2); err != nil {
			r.DetailsErr = err.Error()
		}
	} else {
		r.Message = err.Error()
	}
	return r
}

// ourAppError builds our ApplicationError for spec, with the standard
// details.
func ourAppError(spec FailSpec) error {
	return temporal.NewApplicationErrorWithOptions(spec.Message, temporal.ApplicationErrorOptions{
		Type: spec.Type, NonRetryable: spec.NonRetryable, Details: []any{detail1, detail2()},
	})
}

// sdkAppError builds sdk-go's ApplicationError for spec, with the same
// details.
func sdkAppError(spec FailSpec) error {
	return sdktemporal.NewApplicationErrorWithOptions(spec.Message, spec.Type, sdktemporal.ApplicationErrorOptions{
		NonRetryable: spec.NonRetryable, Details: []any{detail1, detail2()},
	})
}

// diffValue compares a received value with the expected one: protobuf
// messages with proto.Equal, byte slices exactly (nil and empty differ),
// everything else with reflect.DeepEqual. It returns "" when equal.
func diffValue(what string, got, want any) string {
	switch w := want.(type) {
	case proto.Message:
		g, ok := got.(proto.Message)
		if !ok || !proto.Equal(g, w) {
			return fmt.Sprintf("%s: got %v (%T), want %v", what, got, got, want)
		}
		return ""
	case []byte:
		g, ok := got.([]byte)
		if !ok || !bytes.Equal(g, w) || (g == nil) != (w == nil) {
			return fmt.Sprintf("%s: got %#v, want %#v", what, got, want)
		}
		return ""
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s: got %#v, want %#v", what, got, want)
	}
	return ""
}

// checkReport fails the test when got differs from want.
func checkReport(t interface {
	Helper()
	Errorf(string, ...any)
}, what string, got, want ErrReport) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
