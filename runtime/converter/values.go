package converter

import (
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
)

// Values is a list of encoded arguments together with the converter that
// decodes them: what dynamic handlers and generated dispatch code receive.
type Values struct {
	payloads *commonpb.Payloads
	dc       DataConverter
}

// NewValues wraps encoded payloads for decoding with dc.
func NewValues(p *commonpb.Payloads, dc DataConverter) Values { return Values{payloads: p, dc: dc} }

// Len returns the number of values.
func (v Values) Len() int { return len(v.payloads.GetPayloads()) }

// Payloads returns the encoded values.
func (v Values) Payloads() *commonpb.Payloads { return v.payloads }

// Get decodes value i into ptr. The error names the position and the type.
func (v Values) Get(i int, ptr any) error {
	if i < 0 || i >= v.Len() {
		return &DecodeError{Index: i, Type: elemType(ptr), Given: v.Len()}
	}
	if err := v.dc.FromPayload(v.payloads.Payloads[i], ptr); err != nil {
		return &DecodeError{Index: i, Type: elemType(ptr), Err: err}
	}
	return nil
}

// DecodeError reports an argument that could not be decoded into its
// declared type. Signal handlers that return it have the signal dropped
// with a warning instead of failing the workflow.
type DecodeError struct {
	Index int    // position of the argument, from 0
	Type  string // the Go type it should decode into
	Err   error  // nil when the argument is missing
	Given int    // number of arguments given, when missing
}

func (e *DecodeError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("argument %d (%s) is missing: %d given", e.Index+1, e.Type, e.Given)
	}
	return fmt.Sprintf("argument %d: cannot decode into %s: %v", e.Index+1, e.Type, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode decodes the values into ptrs in order. It is an error if there
// are more pointers than values; extra values are ignored.
func (v Values) Decode(ptrs ...any) error {
	if len(ptrs) > v.Len() {
		return fmt.Errorf("converter: %d arguments expected, %d given", len(ptrs), v.Len())
	}
	for i, p := range ptrs {
		if err := v.Get(i, p); err != nil {
			return err
		}
	}
	return nil
}

func elemType(ptr any) string {
	t := reflect.TypeOf(ptr)
	if t != nil && t.Kind() == reflect.Pointer {
		return t.Elem().String()
	}
	return fmt.Sprint(t)
}
