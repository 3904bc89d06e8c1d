package enginetest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// The renderer prints commands, events and messages one per line for
// scripts: `ScheduleActivityTask activity_id=1 activity_type=Greet
// input="Ada"`. Fields are the proto fields that are set, in field
// order; payloads are shown as their JSON, durations as Go durations;
// what every command of the simulation shares (the namespace "default",
// the task queue "q", stack traces) is left out.

// renderCommand renders one command.
func renderCommand(c *commandpb.Command) string {
	name := camel(strings.TrimPrefix(c.CommandType.String(), "COMMAND_TYPE_"))
	return withFields(name, oneofAttrs(c.ProtoReflect()))
}

// renderEvent renders one history event with its id.
func renderEvent(e *historypb.HistoryEvent) string {
	name := camel(strings.TrimPrefix(e.EventType.String(), "EVENT_TYPE_"))
	return withFields(fmt.Sprintf("%d %s", e.EventId, name), oneofAttrs(e.ProtoReflect()))
}

// renderMessage renders an outgoing update protocol message.
func renderMessage(m *protocolpb.Message) string {
	body, err := m.GetBody().UnmarshalNew()
	if err != nil {
		return fmt.Sprintf("Message %s (undecodable body %s)", m.GetId(), m.GetBody().GetTypeUrl())
	}
	id := m.GetProtocolInstanceId()
	switch b := body.(type) {
	case *updatepb.Acceptance:
		return "AcceptUpdate " + id
	case *updatepb.Rejection:
		return withFields("RejectUpdate "+id, "failure="+renderValue(b.GetFailure().ProtoReflect()))
	case *updatepb.Response:
		return withFields("CompleteUpdate "+id, fields(b.GetOutcome().ProtoReflect()))
	}
	return withFields("Message "+m.GetId(), fields(body.ProtoReflect()))
}

func withFields(name, fs string) string {
	if fs == "" {
		return name
	}
	return name + " " + fs
}

// oneofAttrs renders the fields of the attributes oneof of a command or
// event.
func oneofAttrs(m protoreflect.Message) string {
	od := m.Descriptor().Oneofs().ByName("attributes")
	if od == nil {
		return ""
	}
	fd := m.WhichOneof(od)
	if fd == nil {
		return ""
	}
	return fields(m.Get(fd).Message())
}

// skipped reports fields the simulation sets the same everywhere.
func skipped(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
	switch fd.Name() {
	case "stack_trace":
		return true
	case "namespace":
		return v.String() == "default"
	case "task_queue":
		return v.Message().Interface().(interface{ GetName() string }).GetName() == "q"
	}
	return false
}

// fields renders the set fields of m as name=value, space separated.
func fields(m protoreflect.Message) string {
	var out []string
	fds := m.Descriptor().Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		if !m.Has(fd) {
			continue
		}
		v := m.Get(fd)
		if skipped(fd, v) {
			continue
		}
		out = append(out, string(fd.Name())+"="+renderField(fd, v))
	}
	return strings.Join(out, " ")
}

func renderField(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch {
	case fd.IsMap():
		var keys []string
		vals := map[string]string{}
		v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
			keys = append(keys, k.String())
			vals[k.String()] = renderScalar(fd.MapValue(), mv)
			return true
		})
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + vals[k]
		}
		return "{" + strings.Join(parts, " ") + "}"
	case fd.IsList():
		l := v.List()
		parts := make([]string, l.Len())
		for i := range parts {
			parts[i] = renderScalar(fd, l.Get(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return renderScalar(fd, v)
}

func renderScalar(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return renderValue(v.Message())
	case protoreflect.EnumKind:
		return enumName(fd.Enum(), v.Enum())
	case protoreflect.StringKind:
		// Multi-line texts are panic stacks: their first line is stable.
		s := v.String()
		if first, _, ok := strings.Cut(s, "\n"); ok {
			s = first + " [...]"
		}
		return word(s)
	case protoreflect.BytesKind:
		return strconv.Quote(string(v.Bytes()))
	}
	return fmt.Sprint(v.Interface())
}

// renderValue renders a message value: the well-known shapes compactly,
// any other as {fields}.
func renderValue(m protoreflect.Message) string {
	switch x := m.Interface().(type) {
	case *commonpb.Payloads:
		return renderPayloads(x)
	case *commonpb.Payload:
		return renderPayload(x)
	case *durationpb.Duration:
		return x.AsDuration().String()
	case *timestamppb.Timestamp:
		return x.AsTime().UTC().Format(time.RFC3339Nano)
	case *commonpb.WorkflowType:
		return word(x.GetName())
	case *commonpb.ActivityType:
		return word(x.GetName())
	case *commonpb.Memo:
		return renderField(m.Descriptor().Fields().ByName("fields"), m.Get(m.Descriptor().Fields().ByName("fields")))
	case *commonpb.SearchAttributes:
		return renderField(m.Descriptor().Fields().ByName("indexed_fields"), m.Get(m.Descriptor().Fields().ByName("indexed_fields")))
	case *commonpb.Header:
		return renderField(m.Descriptor().Fields().ByName("fields"), m.Get(m.Descriptor().Fields().ByName("fields")))
	}
	return "{" + fields(m) + "}"
}

// renderPayloads renders payloads as their values; several are wrapped in
// parentheses.
func renderPayloads(p *commonpb.Payloads) string {
	ps := p.GetPayloads()
	if len(ps) == 1 {
		return renderPayload(ps[0])
	}
	parts := make([]string, len(ps))
	for i, x := range ps {
		parts[i] = renderPayload(x)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// renderPayload renders a payload's value; long ones are cut.
func renderPayload(p *commonpb.Payload) string {
	s := payloadText(p)
	if len(s) > 600 {
		return fmt.Sprintf("%s...(%d bytes)", s[:200], len(s))
	}
	return s
}

func payloadText(p *commonpb.Payload) string {
	enc := string(p.GetMetadata()["encoding"])
	switch enc {
	case "json/plain", "json/protobuf":
		var v any
		if json.Unmarshal(p.GetData(), &v) == nil {
			b, _ := json.Marshal(v) // compact, keys sorted
			return string(b)
		}
	case "binary/null":
		return "null"
	case "":
		if len(p.GetData()) == 0 {
			return "<empty>"
		}
	}
	return fmt.Sprintf("<%s %q>", enc, p.GetData())
}

// word renders a string bare when that is unambiguous, else quoted.
func word(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=,(){}[]") {
		return strconv.Quote(s)
	}
	return s
}

// enumName is a value's name without the prefix every value of its enum
// shares (TIMEOUT_TYPE_START_TO_CLOSE -> START_TO_CLOSE).
func enumName(ed protoreflect.EnumDescriptor, n protoreflect.EnumNumber) string {
	vd := ed.Values().ByNumber(n)
	if vd == nil {
		return strconv.Itoa(int(n))
	}
	prefix := strings.TrimSuffix(string(ed.Values().Get(0).Name()), "UNSPECIFIED")
	return strings.TrimPrefix(string(vd.Name()), prefix)
}

// camel turns SCHEDULE_ACTIVITY_TASK into ScheduleActivityTask (the API's
// String methods may give either).
func camel(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	var b strings.Builder
	for _, w := range strings.Split(s, "_") {
		if w == "" {
			continue
		}
		b.WriteString(w[:1])
		b.WriteString(strings.ToLower(w[1:]))
	}
	return b.String()
}
