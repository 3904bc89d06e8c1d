package client

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestSearchAttributeEncoding(t *testing.T) {
	when := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	cases := []struct {
		v    any
		typ  string
		data string
	}{
		{"abc", "Keyword", `"abc"`},
		{[]string{"a", "b"}, "KeywordList", `["a","b"]`},
		{42, "Int", `42`},
		{int8(-3), "Int", `-3`},
		{int64(1) << 40, "Int", `1099511627776`},
		{uint32(7), "Int", `7`},
		{1.5, "Double", `1.5`},
		{float32(0.5), "Double", `0.5`},
		{true, "Bool", `true`},
		{when, "Datetime", `"2024-05-06T06:08:09.123456789Z"`},
	}
	for _, tc := range cases {
		p, err := EncodeSearchAttribute(tc.v)
		if err != nil {
			t.Errorf("%T: %v", tc.v, err)
			continue
		}
		if got := string(p.Metadata["type"]); got != tc.typ {
			t.Errorf("%T: type %q, want %q", tc.v, got, tc.typ)
		}
		if got := string(p.Metadata["encoding"]); got != "json/plain" {
			t.Errorf("%T: encoding %q", tc.v, got)
		}
		if got := strings.TrimSpace(string(p.Data)); got != tc.data {
			t.Errorf("%T: data %s, want %s", tc.v, got, tc.data)
		}
	}

	for _, bad := range []any{struct{}{}, []int{1}, map[string]string{}, nil, uint64(1) << 63} {
		if _, err := EncodeSearchAttribute(bad); err == nil {
			t.Errorf("%T (%v) accepted", bad, bad)
		}
	}

	raw := &commonpb.Payload{Data: []byte("x")}
	if p, _ := EncodeSearchAttribute(raw); p != raw {
		t.Errorf("payload not passed through")
	}

	sa, err := EncodeSearchAttributes(map[string]any{"K": "v", "N": 1})
	if err != nil || len(sa.GetIndexedFields()) != 2 {
		t.Fatalf("EncodeSearchAttributes = %v, %v", sa, err)
	}
	if _, err := EncodeSearchAttributes(map[string]any{"Bad": struct{}{}}); err == nil || !strings.Contains(err.Error(), `"Bad"`) {
		t.Errorf("error does not name the attribute: %v", err)
	}
	if sa, err := EncodeSearchAttributes(nil); sa != nil || err != nil {
		t.Errorf("empty map = %v, %v", sa, err)
	}

	// Round trips.
	var gotTime time.Time
	p, _ := EncodeSearchAttribute(when)
	if err := DecodeSearchAttribute(p, &gotTime); err != nil || !gotTime.Equal(when) {
		t.Errorf("Datetime round trip = %v, %v", gotTime, err)
	}
	var gotList []string
	p, _ = EncodeSearchAttribute([]string{"x", "y"})
	if err := DecodeSearchAttribute(p, &gotList); err != nil || !slices.Equal(gotList, []string{"x", "y"}) {
		t.Errorf("KeywordList round trip = %v, %v", gotList, err)
	}
	if typ, _ := SearchAttributeType(uint16(1)); typ != enumspb.INDEXED_VALUE_TYPE_INT {
		t.Errorf("uint16 type = %v", typ)
	}
}

func TestErrorMapping(t *testing.T) {
	c := &Client{opts: Options{Namespace: "ns"}}

	already := serviceerror.ToStatus(serviceerror.NewWorkflowExecutionAlreadyStarted("exists", "req", "run-1")).Err()
	err := c.rpcError("start workflow", "wf", "", already)
	var ase *WorkflowAlreadyStartedError
	if !errors.As(err, &ase) || ase.WorkflowID != "wf" || ase.RunID != "run-1" {
		t.Fatalf("already started not mapped: %v", err)
	}
	if status.Code(err) != codes.AlreadyExists {
		t.Errorf("status code lost: %v", status.Code(err))
	}
	if want := `client: start workflow "wf": workflow "wf" already started (run run-1)`; err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}

	nf := serviceerror.ToStatus(serviceerror.NewNotFound("workflow execution not found")).Err()
	err = c.rpcError("describe workflow", "wf", "r1", nf)
	var nfe *NotFoundError
	if !errors.As(err, &nfe) || nfe.WorkflowID != "wf" || nfe.RunID != "r1" || nfe.Namespace != "ns" {
		t.Fatalf("not found not mapped: %v", err)
	}
	if st, ok := status.FromError(err); !ok || st.Code() != codes.NotFound {
		t.Errorf("status.FromError = %v, %v", st, ok)
	}
	if want := `client: describe workflow "wf": workflow "wf" run r1 not found in namespace "ns": workflow execution not found`; err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}

	// Namespace not found stays a plain status error.
	err = c.rpcError("describe workflow", "wf", "", serviceerror.ToStatus(serviceerror.NewNamespaceNotFound("ns")).Err())
	if errors.As(err, &nfe) || status.Code(err) != codes.NotFound {
		t.Errorf("namespace not found mis-mapped: %v", err)
	}

	// Other errors keep context and code.
	err = c.rpcError("terminate workflow", "wf", "", status.Error(codes.PermissionDenied, "nope"))
	if status.Code(err) != codes.PermissionDenied || !strings.HasPrefix(err.Error(), `client: terminate workflow "wf": `) {
		t.Errorf("plain error = %v", err)
	}
	if c.rpcError("x", "wf", "", nil) != nil {
		t.Errorf("nil error wrapped")
	}
}

func TestNewUUID(t *testing.T) {
	a, b := newUUID(), newUUID()
	if a == b || len(a) != 36 || a[14] != '4' || !strings.Contains("89ab", a[19:20]) {
		t.Errorf("uuids %s %s", a, b)
	}
}
