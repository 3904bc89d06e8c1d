package converter

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

type person struct {
	Name string `json:"name"`
	Age  int    `json:"age,omitempty"`
}

// TestGoldenPayloads checks the exact payloads sdk-go's default converter
// writes for common values.
func TestGoldenPayloads(t *testing.T) {
	wfExec := &commonpb.WorkflowExecution{WorkflowId: "wid", RunId: "rid"}
	tests := []struct {
		name        string
		value       any
		encoding    string
		data        string
		messageType string
	}{
		{"nil", nil, "binary/null", "", ""},
		{"nil pointer", (*person)(nil), "binary/null", "", ""},
		{"bytes", []byte{1, 2}, "binary/plain", "\x01\x02", ""},
		{"string", "hello", "json/plain", `"hello"`, ""},
		{"int", 42, "json/plain", `42`, ""},
		{"struct", person{Name: "Ann", Age: 3}, "json/plain", `{"name":"Ann","age":3}`, ""},
		{"map", map[string]int{"b": 2, "a": 1}, "json/plain", `{"a":1,"b":2}`, ""},
		{"proto", wfExec, "json/protobuf", `{"workflowId":"wid","runId":"rid"}`, "temporal.api.common.v1.WorkflowExecution"},
	}
	dc := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := dc.ToPayload(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]byte{"encoding": []byte(tt.encoding)}
			if tt.messageType != "" {
				want["messageType"] = []byte(tt.messageType)
			}
			if !reflect.DeepEqual(p.Metadata, want) {
				t.Errorf("metadata = %q, want %q", p.Metadata, want)
			}
			data := p.Data
			if tt.encoding == "json/protobuf" {
				// protojson randomises insignificant whitespace; sdk-go
				// writes exactly protojson.Marshal's output.
				direct, _ := protojson.Marshal(wfExec)
				if !bytes.Equal(data, direct) {
					t.Errorf("data = %s, want protojson.Marshal output %s", data, direct)
				}
				var buf bytes.Buffer
				if err := json.Compact(&buf, data); err != nil {
					t.Fatal(err)
				}
				data = buf.Bytes()
			}
			if string(data) != tt.data {
				t.Errorf("data = %q, want %q", data, tt.data)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	wfExec := &commonpb.WorkflowExecution{WorkflowId: "wid", RunId: "rid"}
	binProto, err := NewProtoPayloadConverter().ToPayload(wfExec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		in    any           // value to encode, or *commonpb.Payload to decode directly
		ptr   func() any    // fresh pointer to decode into
		check func(any) any // returns the decoded value to compare
		want  any
	}{
		{"string", "hello", func() any { return new(string) }, deref, "hello"},
		{"int", 42, func() any { return new(int) }, deref, 42},
		{"struct", person{Name: "Ann"}, func() any { return new(person) }, deref, person{Name: "Ann"}},
		{"struct into any", person{Name: "Ann"}, func() any { return new(any) }, deref, map[string]any{"name": "Ann"}},
		{"bytes", []byte{1, 2}, func() any { return new([]byte) }, deref, []byte{1, 2}},
		{"bytes into any", []byte{1, 2}, func() any { return new(any) }, deref, []byte{1, 2}},
		{"nil into int", nil, func() any { i := 5; return &i }, deref, 0},
		{"nil into pointer", nil, func() any { p := &person{}; return &p }, deref, (*person)(nil)},
		{"proto into **T", wfExec, func() any { return new(*commonpb.WorkflowExecution) },
			func(v any) any { return (*v.(**commonpb.WorkflowExecution)).GetRunId() }, "rid"},
		{"proto into *T", wfExec, func() any { return &commonpb.WorkflowExecution{WorkflowId: "old"} },
			func(v any) any { return v.(*commonpb.WorkflowExecution).GetWorkflowId() }, "wid"},
		{"binary proto", binProto, func() any { return new(*commonpb.WorkflowExecution) },
			func(v any) any { return (*v.(**commonpb.WorkflowExecution)).GetWorkflowId() }, "wid"},
		{"nil proto", (*commonpb.WorkflowExecution)(nil), func() any { p := wfExec; return &p },
			deref, (*commonpb.WorkflowExecution)(nil)},
	}
	dc := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := tt.in.(*commonpb.Payload)
			if !ok {
				var err error
				if p, err = dc.ToPayload(tt.in); err != nil {
					t.Fatal(err)
				}
			}
			ptr := tt.ptr()
			if err := dc.FromPayload(p, ptr); err != nil {
				t.Fatal(err)
			}
			if got := tt.check(ptr); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func deref(ptr any) any { return reflect.ValueOf(ptr).Elem().Interface() }

func TestProtoBinaryConverter(t *testing.T) {
	in := &commonpb.WorkflowExecution{WorkflowId: "wid"}
	p, err := NewProtoPayloadConverter().ToPayload(in)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := proto.Marshal(in)
	if string(p.Metadata["encoding"]) != "binary/protobuf" || !bytes.Equal(p.Data, want) ||
		string(p.Metadata["messageType"]) != "temporal.api.common.v1.WorkflowExecution" {
		t.Errorf("unexpected payload %v", p)
	}
	if p, _ := NewProtoPayloadConverter().ToPayload("x"); p != nil {
		t.Errorf("non-proto handled: %v", p)
	}
}

func TestDecodeErrors(t *testing.T) {
	dc := Default()
	str, _ := dc.ToPayload("hello")
	bin, _ := dc.ToPayload([]byte{1})
	pj, _ := dc.ToPayload(&commonpb.WorkflowExecution{WorkflowId: "w"})
	var n int
	var nilPtr *int
	tests := []struct {
		name string
		p    *commonpb.Payload
		ptr  any
		want string
	}{
		{"json type mismatch", str, &n, "converter: cannot decode json/plain payload into int: json: cannot unmarshal string into Go value of type int"},
		{"non-pointer", str, n, "converter: cannot decode json/plain payload into int: not a pointer"},
		{"nil pointer", str, nilPtr, "converter: cannot decode json/plain payload into *int: nil pointer"},
		{"nil", str, nil, "converter: cannot decode json/plain payload into nil"},
		{"bytes into string", bin, new(string), "converter: cannot decode binary/plain payload into string: need *[]byte or *any"},
		{"proto into int", pj, &n, "converter: cannot decode json/protobuf payload into int: not a proto message"},
		{"proto into any", pj, new(any), "converter: cannot decode json/protobuf payload into interface {}: not a proto message"},
		{"unknown encoding", newPayload("weird/enc", nil), &n, `converter: unknown payload encoding "weird/enc"`},
		{"no encoding", &commonpb.Payload{}, &n, `converter: payload has no "encoding" metadata`},
		{"null into nil pointer", newPayload(EncodingNil, nil), nilPtr, "converter: cannot decode binary/null payload into *int: nil pointer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dc.FromPayload(tt.p, tt.ptr)
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPayloads(t *testing.T) {
	dc := Default()
	if ps, err := dc.ToPayloads(); ps != nil || err != nil {
		t.Errorf("ToPayloads() = %v, %v; want nil, nil", ps, err)
	}
	if err := dc.FromPayloads(nil); err != nil {
		t.Errorf("FromPayloads(nil) = %v", err)
	}
	ps, err := dc.ToPayloads("a", 2, []byte{3})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ptrs func() []any
		want []any
	}{
		{"exact", func() []any { return []any{new(string), new(int), new([]byte)} }, []any{"a", 2, []byte{3}}},
		{"fewer ptrs", func() []any { return []any{new(string)} }, []any{"a"}},
		{"more ptrs", func() []any {
			s, i, b, x := "", 0, []byte(nil), "untouched"
			return []any{&s, &i, &b, &x}
		}, []any{"a", 2, []byte{3}, "untouched"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptrs := tt.ptrs()
			if err := dc.FromPayloads(ps, ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, p := range ptrs {
				if got := deref(p); !reflect.DeepEqual(got, tt.want[i]) {
					t.Errorf("value %d = %#v, want %#v", i, got, tt.want[i])
				}
			}
		})
	}
	err = dc.FromPayloads(ps, new(int))
	if err == nil || !strings.HasPrefix(err.Error(), "payload 0: converter: cannot decode json/plain payload into int") {
		t.Errorf("err = %v", err)
	}
	if _, err := NewCompositeDataConverter(NewNilPayloadConverter()).ToPayload(1); err == nil ||
		err.Error() != "converter: no payload converter handles values of type int" {
		t.Errorf("err = %v", err)
	}
	if _, err := dc.ToPayloads(1, func() {}); err == nil || !strings.HasPrefix(err.Error(), "value 1: converter: cannot encode func() as json/plain") {
		t.Errorf("err = %v", err)
	}
}
