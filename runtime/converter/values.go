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
		return fmt.Errorf("converter: argument %d of %d requested", i+1, v.Len())
	}
	if err := v.dc.FromPayload(v.payloads.Payloads[i], ptr); err != nil {
		return fmt.Errorf("converter: argument %d: cannot decode into %s: %w", i+1, elemType(ptr), err)
	}
	return nil
}

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
