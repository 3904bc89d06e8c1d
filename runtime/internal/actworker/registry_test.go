package actworker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

type point struct{ X, Y int }

func encode(t *testing.T, dc converter.DataConverter, vs ...any) *commonpb.Payloads {
	t.Helper()
	p, err := dc.ToPayloads(vs...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRegisterSignatureRules(t *testing.T) {
	cases := []struct {
		name string
		fn   any
		want string // substring of the error; "" means accepted
	}{
		{"ErrOnly", func(context.Context) error { return nil }, ""},
		{"ResultErr", func(context.Context, string, int, point) (string, error) { return "", nil }, ""},
		{"PtrArg", func(context.Context, *point) (*point, error) { return nil, nil }, ""},
		{"NotFunc", 42, `activity "NotFunc": must be a func, got int`},
		{"Nil", nil, `activity "Nil": must be a func, got nil`},
		{"NilFunc", (func(context.Context) error)(nil), "function is nil"},
		{"NoCtx", func(string) error { return nil }, "first parameter must be context.Context, got string"},
		{"NoParams", func() error { return nil }, "first parameter must be context.Context, got no parameters"},
		{"Variadic", func(context.Context, ...int) error { return nil }, "variadic parameters are not supported"},
		{"ChanArg", func(context.Context, chan int) error { return nil }, "argument 1: type chan int cannot be encoded"},
		{"NoResults", func(context.Context) {}, "must return error or (R, error), got 0 results"},
		{"ThreeResults", func(context.Context) (int, int, error) { return 0, 0, nil }, "got 3 results"},
		{"LastNotError", func(context.Context) (string, int) { return "", 0 }, `activity "LastNotError": last result must be error, got int`},
		{"OnlyInt", func(context.Context) int { return 0 }, "last result must be error, got int"},
		{"FuncResult", func(context.Context) (func(), error) { return nil, nil }, "result: type func() cannot be encoded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Registry
			err := r.Register(c.name, c.fn)
			if c.want == "" {
				if err != nil {
					t.Fatalf("Register: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Register error = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestRegistryDuplicatesAndNames(t *testing.T) {
	var r Registry // zero value usable
	raw := func(context.Context, converter.DataConverter, *commonpb.Payloads) (*commonpb.Payloads, error) {
		return nil, nil
	}
	if err := r.RegisterFunc("b", raw); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("a", func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := r.RegisterFunc("b", raw); err == nil || !strings.Contains(err.Error(), `"b" is already registered`) {
		t.Fatalf("duplicate RegisterFunc = %v", err)
	}
	if err := r.Register("a", func(context.Context) error { return nil }); err == nil {
		t.Fatal("duplicate Register accepted")
	}
	if err := r.RegisterFunc("", raw); err == nil {
		t.Fatal("empty name accepted")
	}
	if err := r.RegisterFunc("c", nil); err == nil {
		t.Fatal("nil Func accepted")
	}
	if got := r.Names(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("Names = %v", got)
	}
	if _, ok := r.Lookup("a"); !ok {
		t.Fatal("Lookup(a) failed")
	}
	if _, ok := r.Lookup("zzz"); ok {
		t.Fatal("Lookup(zzz) found something")
	}
}

func TestAdapterCallsFunction(t *testing.T) {
	dc := converter.Default()
	var r Registry
	if err := r.Register("Move", func(ctx context.Context, p point, dx int) (point, error) {
		return point{p.X + dx, p.Y}, nil
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := r.Register("Fail", func(context.Context) error { return boom }); err != nil {
		t.Fatal(err)
	}
	move, _ := r.Lookup("Move")
	out, err := move(context.Background(), dc, encode(t, dc, point{1, 2}, 3))
	if err != nil {
		t.Fatal(err)
	}
	var got point
	if err := dc.FromPayloads(out, &got); err != nil || got != (point{4, 2}) {
		t.Fatalf("result = %+v, %v", got, err)
	}
	fail, _ := r.Lookup("Fail")
	if out, err := fail(context.Background(), dc, nil); out != nil || !errors.Is(err, boom) {
		t.Fatalf("Fail = %v, %v", out, err)
	}
}

func TestAdapterArgumentDecodeErrors(t *testing.T) {
	dc := converter.Default()
	var r Registry
	if err := r.Register("Move", func(ctx context.Context, p point, dx int) (point, error) { return p, nil }); err != nil {
		t.Fatal(err)
	}
	move, _ := r.Lookup("Move")
	cases := []struct {
		name string
		args *commonpb.Payloads
		want string
	}{
		{"too few", encode(t, dc, point{}), `activity "Move" takes 2 argument(s) (actworker.point, int), got 1`},
		{"none", nil, "got 0"},
		{"too many", encode(t, dc, point{}, 1, 2), "got 3"},
		{"wrong type", encode(t, dc, point{}, "three"), `activity "Move": cannot decode argument 2 into int`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := move(context.Background(), dc, c.args)
			var ae *temporal.ApplicationError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T) is not an ApplicationError", err, err)
			}
			if ae.Type() != ArgumentDecodeErrorType || !ae.NonRetryable() {
				t.Fatalf("type %q nonRetryable %v", ae.Type(), ae.NonRetryable())
			}
			if !strings.Contains(ae.Error(), c.want) {
				t.Fatalf("message %q does not contain %q", ae.Error(), c.want)
			}
		})
	}
}

type greeter struct{ greeting string }

func (g *greeter) Greet(_ context.Context, name string) (string, error) {
	return g.greeting + " " + name, nil
}
func (g *greeter) Ping(context.Context) error       { return nil }
func (g *greeter) Helper(s string) string           { return s } // no ctx: ignored
func (g *greeter) unexported(context.Context) error { return nil }

type badMethods struct{}

func (badMethods) Good(context.Context) error { return nil }
func (badMethods) Bad(context.Context) int    { return 0 }

func TestRegisterStruct(t *testing.T) {
	dc := converter.Default()
	var r Registry
	if err := r.RegisterStruct("Greeter.", &greeter{greeting: "hello"}); err != nil {
		t.Fatal(err)
	}
	if got := r.Names(); !slices.Equal(got, []string{"Greeter.Greet", "Greeter.Ping"}) {
		t.Fatalf("Names = %v", got)
	}
	greet, _ := r.Lookup("Greeter.Greet")
	out, err := greet(context.Background(), dc, encode(t, dc, "bob"))
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := dc.FromPayloads(out, &s); err != nil || s != "hello bob" {
		t.Fatalf("Greet = %q, %v", s, err)
	}
	if err := r.RegisterStruct("Greeter.", &greeter{}); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("second RegisterStruct = %v", err)
	}

	var r2 Registry
	err = r2.RegisterStruct("", badMethods{})
	if err == nil || !strings.Contains(err.Error(), `activity "Bad": last result must be error, got int`) {
		t.Fatalf("RegisterStruct(badMethods) = %v", err)
	}
	if len(r2.Names()) != 0 {
		t.Fatalf("partial registration: %v", r2.Names())
	}
	if err := r2.RegisterStruct("", struct{}{}); err == nil || !strings.Contains(err.Error(), "no exported method") {
		t.Fatalf("RegisterStruct(empty) = %v", err)
	}
	if err := r2.RegisterStruct("", nil); err == nil {
		t.Fatal("RegisterStruct(nil) accepted")
	}
	if err := r2.RegisterStruct("", (*greeter)(nil)); err == nil {
		t.Fatal("RegisterStruct(nil pointer) accepted")
	}
}
