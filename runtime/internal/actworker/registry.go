package actworker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// Func is the raw shape of an activity implementation: it decodes its own
// arguments with dc, runs, and returns its encoded result. Generated code
// registers functions of this shape directly, without reflection.
type Func func(ctx context.Context, dc converter.DataConverter, args *commonpb.Payloads) (*commonpb.Payloads, error)

// Registry maps activity type names to implementations. The zero value is
// an empty registry ready to use; it is safe for concurrent use.
type Registry struct {
	mu    sync.RWMutex
	funcs map[string]Func
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// RegisterFunc registers fn under name. It fails when name is empty, fn is
// nil, or name is already registered.
func (r *Registry) RegisterFunc(name string, fn Func) error {
	if name == "" {
		return errors.New("actworker: activity name must not be empty")
	}
	if fn == nil {
		return fmt.Errorf("actworker: activity %q: function is nil", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.funcs[name]; dup {
		return fmt.Errorf("actworker: activity %q is already registered", name)
	}
	if r.funcs == nil {
		r.funcs = make(map[string]Func)
	}
	r.funcs[name] = fn
	return nil
}

// Register registers a hand-written Go function under name through a
// reflection adapter. fn must be a func whose first parameter is
// context.Context, followed by any number of parameters the data converter
// can decode, and whose results are either error or (R, error). Arguments
// that are missing, surplus, or undecodable into their parameter's type make
// the activity fail with a non-retryable ApplicationError of type
// [ArgumentDecodeErrorType].
func (r *Registry) Register(name string, fn any) error {
	if name == "" {
		return errors.New("actworker: activity name must not be empty")
	}
	f, err := adapt(name, reflect.ValueOf(fn))
	if err != nil {
		return err
	}
	return r.RegisterFunc(name, f)
}

// RegisterStruct registers every exported method of v whose first parameter
// is context.Context, under the name prefix+method name. Other exported
// methods are ignored. It fails when a selected method breaks the rules of
// Register, when a name is already taken, or when v has no such method at
// all. Nothing is registered when it fails.
func (r *Registry) RegisterStruct(prefix string, v any) error {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return errors.New("actworker: RegisterStruct: value is nil")
	}
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		return fmt.Errorf("actworker: RegisterStruct: value is a nil %s", rv.Type())
	}
	rt := rv.Type()
	found := map[string]Func{}
	for i := range rt.NumMethod() {
		m := rt.Method(i)
		if !m.IsExported() {
			continue
		}
		mv := rv.Method(i)
		if mv.Type().NumIn() == 0 || mv.Type().In(0) != contextType {
			continue
		}
		name := prefix + m.Name
		f, err := adapt(name, mv)
		if err != nil {
			return err
		}
		found[name] = f
	}
	if len(found) == 0 {
		return fmt.Errorf("actworker: RegisterStruct: %s has no exported method whose first parameter is context.Context", rt)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for name := range found {
		if _, dup := r.funcs[name]; dup {
			return fmt.Errorf("actworker: activity %q is already registered", name)
		}
	}
	if r.funcs == nil {
		r.funcs = make(map[string]Func, len(found))
	}
	for name, f := range found {
		r.funcs[name] = f
	}
	return nil
}

// Lookup returns the implementation registered under name.
func (r *Registry) Lookup(name string) (Func, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.funcs[name]
	return f, ok
}

// Names returns the registered activity names, sorted.
func (r *Registry) Names() []string {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.funcs))
	for name := range r.funcs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
