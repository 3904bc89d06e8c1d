package temporal

import (
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
)

// PayloadsDecoder decodes wire payloads into Go values. It is implemented by
// the data converters of package runtime/converter and lets error types in
// this package decode details lazily without importing that package.
type PayloadsDecoder interface {
	// FromPayloads decodes p into ptrs, in order.
	FromPayloads(p *commonpb.Payloads, ptrs ...any) error
}

// DetailsError is the type of the constant errors returned when details are
// requested but absent.
type DetailsError string

// Error returns the text of the error.
func (e DetailsError) Error() string { return string(e) }

// ErrNoDetails is returned by the Details and LastHeartbeatDetails methods
// when the error carries no details. Test for it with errors.Is.
const ErrNoDetails = DetailsError("temporal: no details available")

// details holds error details either as Go values given by user code or as
// encoded payloads received from the server together with their decoder.
type details struct {
	values   []any
	payloads *commonpb.Payloads
	decoder  PayloadsDecoder
}

func goDetails(values []any) details {
	if len(values) == 0 {
		return details{}
	}
	return details{values: append([]any(nil), values...)}
}

func wireDetails(p *commonpb.Payloads, dec PayloadsDecoder) details {
	if len(p.GetPayloads()) == 0 {
		return details{}
	}
	return details{payloads: p, decoder: dec}
}

func (d details) has() bool {
	return len(d.values) > 0 || len(d.payloads.GetPayloads()) > 0
}

// get stores the details into ptrs. Extra ptrs are left untouched and extra
// details are ignored.
func (d details) get(ptrs ...any) error {
	if !d.has() {
		return ErrNoDetails
	}
	if d.payloads != nil {
		if d.decoder == nil {
			return fmt.Errorf("temporal: details are encoded but no decoder was provided")
		}
		return d.decoder.FromPayloads(d.payloads, ptrs...)
	}
	for i, ptr := range ptrs {
		if i >= len(d.values) {
			break
		}
		if err := assign(d.values[i], ptr); err != nil {
			return fmt.Errorf("temporal: detail %d: %w", i, err)
		}
	}
	return nil
}

// assign copies v into the variable ptr points to. It accepts v when its
// type is assignable to the target, or when v is a non-nil pointer whose
// element type is assignable to the target.
func assign(v, ptr any) error {
	rp := reflect.ValueOf(ptr)
	if rp.Kind() != reflect.Pointer || rp.IsNil() {
		return fmt.Errorf("cannot decode into %T: need a non-nil pointer", ptr)
	}
	target := rp.Elem()
	if v == nil {
		target.Set(reflect.Zero(target.Type()))
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Type().AssignableTo(target.Type()) {
		target.Set(rv)
		return nil
	}
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Type().AssignableTo(target.Type()) {
		target.Set(rv.Elem())
		return nil
	}
	return fmt.Errorf("cannot assign value of type %T to %s", v, target.Type())
}
