package converter_test

// Fuzz targets of the decoders: payloads of every encoding the default
// converter reads, through the zlib codec too, and failures. Their seed
// corpora under testdata/fuzz are payloads and failures the converters
// write for real values; rewrite them with
//
//	go test ./runtime/converter/ -run TestSeedCorpus -seeds
//
// Run a target for longer with, e.g.:
//
//	go test ./runtime/converter/ -run '^$' -fuzz '^FuzzFromPayload$' -fuzztime 5m

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"flag"
	"reflect"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/internal/fuzzseed"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

var writeSeeds = flag.Bool("seeds", false, "rewrite the seed corpora under testdata/fuzz")

// fuzzRecord is a struct argument, as workflows take them.
type fuzzRecord struct {
	Name  string            `json:"name"`
	Count int               `json:"count,omitempty"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	Next  *fuzzRecord       `json:"next,omitempty"`
	When  time.Time         `json:"when"`
}

// sampleValues are the values whose payloads seed the payload targets:
// one or more of each encoding the default converter writes.
func sampleValues() []any {
	return []any{
		nil, []byte{0, 1, 2, 0xff}, "hello", 42, -1.5, true,
		[]string{"a", "b"}, map[string]int{"a": 1},
		fuzzRecord{Name: "Ada", Count: 3, Tags: []string{"x"}, Attrs: map[string]string{"k": "v"},
			Next: &fuzzRecord{Name: "Bob"}, When: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)},
		&commonpb.WorkflowExecution{WorkflowId: "wid", RunId: "rid"},
		&failurepb.Failure{Message: "boom", Cause: &failurepb.Failure{Message: "root"}},
	}
}

// decodeTargets returns fresh variables of the types payloads are
// decoded into: the empty interface, scalars, slices, maps, structs,
// proto messages (as pointers and as pointers to pointers) and types no
// payload decodes into.
func decodeTargets() []any {
	return []any{
		new(any), new(string), new(int), new(int8), new(uint64), new(float64), new(bool),
		new([]byte), new([]string), new([3]int), new(map[string]any), new(map[int]string),
		new(fuzzRecord), new(*fuzzRecord), new(time.Duration), new(time.Time), new(json2),
		&commonpb.WorkflowExecution{}, new(*commonpb.WorkflowExecution), &failurepb.Failure{},
		new(*failurepb.Failure), new(commonpb.Payloads),
		new(chan int), new(func()), new(error),
	}
}

// json2 decodes itself from JSON, as user types may.
type json2 struct{ raw []byte }

func (j *json2) UnmarshalJSON(b []byte) error {
	j.raw = append(j.raw[:0], b...)
	return nil
}

// encodings are the encodings the default converter reads, and two it
// does not.
var encodings = []string{
	converter.EncodingNil, converter.EncodingBinary, converter.EncodingJSON,
	converter.EncodingProtoJSON, converter.EncodingProto, converter.EncodingZlib, "", "binary/unknown",
}

// samplePayload encodes v with dc. The JSON of proto messages is
// compacted: protojson varies its spacing between builds, and the seed
// corpus must not change with them.
func samplePayload(t testing.TB, dc converter.DataConverter, v any) *commonpb.Payload {
	t.Helper()
	p, err := dc.ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Metadata[converter.MetadataEncoding]) == converter.EncodingProtoJSON {
		var b bytes.Buffer
		if err := json.Compact(&b, p.Data); err != nil {
			t.Fatal(err)
		}
		p.Data = b.Bytes()
	}
	return p
}

func payloadSeeds(t testing.TB) []fuzzseed.Seed {
	var seeds []fuzzseed.Seed
	dc := converter.Default()
	proto := converter.NewCompositeDataConverter(converter.NewProtoPayloadConverter())
	for i, v := range sampleValues() {
		for j, c := range []converter.DataConverter{dc, proto} {
			if j == 1 && !isMessage(v) {
				continue
			}
			p := samplePayload(t, c, v)
			seeds = append(seeds, fuzzseed.Seed{
				Name: seedName("value", i, string(p.Metadata[converter.MetadataEncoding])),
				Args: []any{string(p.Metadata[converter.MetadataEncoding]), string(p.Metadata[converter.MetadataMessageType]), p.Data},
			})
		}
	}
	return seeds
}

func isMessage(v any) bool {
	_, ok := v.(proto.Message)
	return ok
}

// codecSeeds are sample values encoded into Payloads by the default
// converter and then the zlib codec, as they reach the server.
func codecSeeds(t testing.TB) []fuzzseed.Seed {
	plain := &commonpb.Payloads{}
	for _, v := range sampleValues() {
		plain.Payloads = append(plain.Payloads, samplePayload(t, converter.Default(), v))
	}
	// What the zlib codec writes, with the payloads marshalled
	// deterministically (their metadata is a map).
	var zipped []*commonpb.Payload
	for _, p := range plain.Payloads {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		if _, err := w.Write(marshal(t, p)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		zipped = append(zipped, &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(converter.EncodingZlib)}, Data: b.Bytes()})
	}
	var seeds []fuzzseed.Seed
	for i, p := range zipped {
		seeds = append(seeds, fuzzseed.Seed{Name: seedName("zlib", i, ""), Args: []any{marshal(t, &commonpb.Payloads{Payloads: []*commonpb.Payload{p}})}})
	}
	return append(seeds,
		fuzzseed.Seed{Name: "zlib-all", Args: []any{marshal(t, &commonpb.Payloads{Payloads: zipped})}},
		fuzzseed.Seed{Name: "plain-all", Args: []any{marshal(t, plain)}})
}

func seedName(kind string, i int, encoding string) string {
	name := kind + "-" + string(rune('a'+i))
	if encoding != "" {
		name += "-" + encoding
	}
	return sanitize(name)
}

// sanitize makes s a file name.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '/' {
			b[i] = '_'
		}
	}
	return string(b)
}

func marshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSeedCorpus keeps the committed seed corpora in step with what the
// converters write (-seeds rewrites them).
func TestSeedCorpus(t *testing.T) {
	fuzzseed.Check(t, "FuzzFromPayload", payloadSeeds(t), *writeSeeds)
	fuzzseed.Check(t, "FuzzCodecChain", codecSeeds(t), *writeSeeds)
	fuzzseed.Check(t, "FuzzFailureConversion", failureSeeds(t), *writeSeeds)
}

// FuzzFromPayload decodes a payload of any encoding and data into every
// kind of Go variable: each decode returns an error or sets the
// variable, and a value decoded into an empty interface encodes and
// decodes again to itself.
func FuzzFromPayload(f *testing.F) {
	for _, enc := range encodings {
		f.Add(enc, "", []byte(nil))
		f.Add(enc, "temporal.api.common.v1.WorkflowExecution", []byte(`{"workflowId":"x"}`))
	}
	dcs := []converter.DataConverter{
		converter.Default(),
		converter.WithCodecs(converter.Default(), converter.NewZlibCodec(converter.ZlibCodecOptions{})),
	}
	f.Fuzz(func(t *testing.T, encoding, messageType string, data []byte) {
		p := &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(encoding)}, Data: data}
		if messageType != "" {
			p.Metadata[converter.MetadataMessageType] = []byte(messageType)
		}
		for _, dc := range dcs {
			for _, ptr := range decodeTargets() {
				_ = dc.FromPayload(p, ptr)
			}
			var v any
			if err := dc.FromPayload(p, &v); err != nil {
				continue
			}
			again, err := dc.ToPayload(v)
			if err != nil {
				t.Fatalf("%s payload decoded to %#v, which does not encode: %v", encoding, v, err)
			}
			var w any
			if err := dc.FromPayload(again, &w); err != nil || !reflect.DeepEqual(v, w) {
				t.Fatalf("%s payload decoded to %#v; encoded again and decoded: %#v, %v", encoding, v, w, err)
			}
		}
	})
}

// FuzzCodecChain decodes arbitrary Payloads (protobuf binary) through the
// zlib codec and the default converter into every kind of Go variable,
// and checks that the codec decodes what it encodes, with and without
// AlwaysEncode.
func FuzzCodecChain(f *testing.F) {
	f.Add([]byte{})
	zlibs := []converter.PayloadCodec{
		converter.NewZlibCodec(converter.ZlibCodecOptions{}),
		converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true}),
	}
	dc := converter.WithCodecs(converter.Default(), zlibs[0])
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ps commonpb.Payloads
		if err := proto.Unmarshal(raw, &ps); err != nil {
			return
		}
		for _, p := range ps.Payloads {
			for _, ptr := range decodeTargets() {
				_ = dc.FromPayload(p, ptr)
			}
		}
		_ = dc.FromPayloads(&ps, decodeTargets()...)
		_ = converter.NewValues(&ps, dc).Decode(new(any), new(string))

		for _, zlib := range zlibs {
			enc, err := zlib.Encode(ps.Payloads)
			if err != nil {
				t.Fatalf("zlib encode: %v", err)
			}
			dec, err := zlib.Decode(enc)
			if err != nil {
				t.Fatalf("zlib decode of its own output: %v", err)
			}
			for i := range dec {
				if !proto.Equal(dec[i], ps.Payloads[i]) {
					t.Fatalf("payload %d: zlib round trip gave %v, want %v", i, dec[i], ps.Payloads[i])
				}
			}
		}
	})
}

// maxFailureDepth is the depth of the cause chains the failure converter
// keeps; see converter.MaxFailureDepth.
const maxFailureDepth = converter.MaxFailureDepth

// failureSeeds are the failures the converter writes for errors of
// every kind, with causes.
func failureSeeds(t testing.TB) []fuzzseed.Seed {
	dc := converter.Default()
	cause := temporal.NewApplicationErrorWithOptions("root", temporal.ApplicationErrorOptions{Type: "Root", Details: []any{"d", 7}})
	errs := map[string]error{
		"application": temporal.NewApplicationErrorWithOptions("boom", temporal.ApplicationErrorOptions{Type: "MyErr", NonRetryable: true,
			Cause: cause, Details: []any{map[string]int{"a": 1}}, NextRetryDelay: 3 * time.Second, Category: enumspb.APPLICATION_ERROR_CATEGORY_BENIGN}),
		"canceled":   temporal.NewCanceledError("why"),
		"timeout":    temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_HEARTBEAT, cause, 42),
		"terminated": temporal.NewTerminatedError(),
		"server":     temporal.NewServerError("server", true, cause),
		"panic":      temporal.NewPanicError("oops", "goroutine 1 [running]:\nmain.main()"),
		"activity":   temporal.NewActivityError(5, 6, "id", "Act", "1", enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED, cause),
		"child": temporal.NewChildWorkflowError("default", "wid", "rid", "Child", 7, 8,
			enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, temporal.NewCanceledError()),
		"nexus": &temporal.NexusOperationError{Message: "nexus", Endpoint: "e", Service: "s", Operation: "o", OperationToken: "t", ScheduledEventID: 9, Cause: cause},
		"plain": errors.New("plain"),
	}
	var seeds []fuzzseed.Seed
	for _, encode := range []bool{false, true} {
		fc := converter.NewFailureConverter(dc, converter.FailureConverterOptions{EncodeCommonAttributes: encode})
		for name, err := range errs {
			if encode {
				name += "-encoded"
			}
			seeds = append(seeds, fuzzseed.Seed{Name: name, Args: []any{marshal(t, fc.ErrorToFailure(err))}})
		}
	}
	return seeds
}

// deepFailure returns a chain of n failures, each the cause of the last.
func deepFailure(n int) *failurepb.Failure {
	var f *failurepb.Failure
	for i := range n {
		f = &failurepb.Failure{Message: "level", Cause: f,
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: string(rune('a' + i%26))}}}
	}
	return f
}

// FuzzFailureConversion converts arbitrary failures (protobuf binary) to
// errors and back to failures, with and without encoded attributes:
// never a panic, and the cause chains stay within maxFailureDepth.
func FuzzFailureConversion(f *testing.F) {
	f.Add([]byte{})
	for _, n := range []int{2, maxFailureDepth, maxFailureDepth + 1, 1000} {
		raw, err := proto.Marshal(deepFailure(n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	fcs := []converter.FailureConverter{
		converter.NewFailureConverter(nil, converter.FailureConverterOptions{}),
		converter.NewFailureConverter(converter.WithCodecs(converter.Default(), converter.NewZlibCodec(converter.ZlibCodecOptions{})),
			converter.FailureConverterOptions{EncodeCommonAttributes: true}),
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in failurepb.Failure
		if err := proto.Unmarshal(raw, &in); err != nil {
			return
		}
		for _, fc := range fcs {
			err := fc.FailureToError(&in)
			if err == nil {
				t.Fatal("a failure converted to a nil error")
			}
			_ = err.Error()
			if d := errorDepth(err); d > maxFailureDepth {
				t.Fatalf("error cause chain of %d, want at most %d", d, maxFailureDepth)
			}
			out := fc.ErrorToFailure(err)
			if out == nil {
				t.Fatal("an error converted to a nil failure")
			}
			if d := failureDepth(out); d > maxFailureDepth {
				t.Fatalf("failure cause chain of %d, want at most %d", d, maxFailureDepth)
			}
			if _, err := proto.Marshal(out); err != nil {
				t.Fatalf("the failure does not marshal: %v", err)
			}
			_ = fc.FailureToError(out)
		}
	})
}

func errorDepth(err error) int {
	n := 0
	for ; err != nil && n <= 10*maxFailureDepth; err = errors.Unwrap(err) {
		n++
	}
	return n
}

func failureDepth(f *failurepb.Failure) int {
	n := 0
	for ; f != nil && n <= 10*maxFailureDepth; f = f.GetCause() {
		n++
	}
	return n
}
