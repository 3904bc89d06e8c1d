package actworker

import (
	"context"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ArgumentDecodeErrorType is the ApplicationError type of the failure
// reported when an activity's input does not match the registered
// function's parameters. Such failures are non-retryable: another attempt
// would receive the same input.
const ArgumentDecodeErrorType = "ArgumentDecodeError"

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// adapt checks fn against the rules of Registry.Register and wraps it as a
// Func.
func adapt(name string, fn reflect.Value) (Func, error) {
	if !fn.IsValid() || fn.Kind() != reflect.Func {
		return nil, fmt.Errorf("actworker: activity %q: must be a func, got %s", name, typeName(fn))
	}
	if fn.IsNil() {
		return nil, fmt.Errorf("actworker: activity %q: function is nil", name)
	}
	ft := fn.Type()
	if ft.NumIn() == 0 || ft.In(0) != contextType {
		return nil, fmt.Errorf("actworker: activity %q: first parameter must be context.Context, got %s", name, describeFirstParam(ft))
	}
	if ft.IsVariadic() {
		return nil, fmt.Errorf("actworker: activity %q: variadic parameters are not supported", name)
	}
	for i := 1; i < ft.NumIn(); i++ {
		if err := checkEncodable(ft.In(i)); err != nil {
			return nil, fmt.Errorf("actworker: activity %q: argument %d: %w", name, i, err)
		}
	}
	switch ft.NumOut() {
	case 1:
	case 2:
		if err := checkEncodable(ft.Out(0)); err != nil {
			return nil, fmt.Errorf("actworker: activity %q: result: %w", name, err)
		}
	default:
		return nil, fmt.Errorf("actworker: activity %q: must return error or (R, error), got %d results", name, ft.NumOut())
	}
	if last := ft.Out(ft.NumOut() - 1); last != errorType {
		return nil, fmt.Errorf("actworker: activity %q: last result must be error, got %s", name, last)
	}
	params := make([]reflect.Type, ft.NumIn()-1)
	for i := range params {
		params[i] = ft.In(i + 1)
	}
	hasResult := ft.NumOut() == 2

	return func(ctx context.Context, dc converter.DataConverter, args *commonpb.Payloads) (*commonpb.Payloads, error) {
		in, err := decodeArgs(name, dc, params, args)
		if err != nil {
			return nil, err
		}
		out := fn.Call(append([]reflect.Value{reflect.ValueOf(ctx)}, in...))
		if errv := out[len(out)-1]; !errv.IsNil() {
			return nil, errv.Interface().(error)
		}
		if !hasResult {
			return nil, nil
		}
		return dc.ToPayloads(out[0].Interface())
	}, nil
}

// decodeArgs decodes one payload per parameter. A count mismatch or a
// payload that does not decode yields a non-retryable ApplicationError of
// type ArgumentDecodeErrorType naming the parameter and its Go type.
func decodeArgs(name string, dc converter.DataConverter, params []reflect.Type, args *commonpb.Payloads) ([]reflect.Value, error) {
	ps := args.GetPayloads()
	if len(ps) != len(params) {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("activity %q takes %d argument(s) %s, got %d", name, len(params), typeList(params), len(ps)),
			ArgumentDecodeErrorType, nil)
	}
	in := make([]reflect.Value, len(params))
	for i, t := range params {
		ptr := reflect.New(t)
		if err := dc.FromPayload(ps[i], ptr.Interface()); err != nil {
			return nil, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("activity %q: cannot decode argument %d into %s", name, i+1, t),
				ArgumentDecodeErrorType, err)
		}
		in[i] = ptr.Elem()
	}
	return in, nil
}

// checkEncodable rejects types no data converter can carry.
func checkEncodable(t reflect.Type) error {
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return fmt.Errorf("type %s cannot be encoded", t)
	}
	return nil
}

func typeName(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	return v.Type().String()
}

func describeFirstParam(ft reflect.Type) string {
	if ft.NumIn() == 0 {
		return "no parameters"
	}
	return ft.In(0).String()
}

func typeList(ts []reflect.Type) string {
	s := "("
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.String()
	}
	return s + ")"
}
