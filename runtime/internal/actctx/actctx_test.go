package actctx

import (
	"context"
	"testing"
)

func TestWithFrom(t *testing.T) {
	if From(context.Background()) != nil {
		t.Fatal("From on a plain context should be nil")
	}
	env := &Env{Info: Info{ActivityID: "a1"}}
	ctx := With(context.Background(), env)
	child, cancel := context.WithCancel(ctx)
	defer cancel()
	if got := From(child); got != env {
		t.Fatalf("From(child) = %v, want the stored env", got)
	}
}
