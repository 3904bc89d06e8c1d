package converter_test

import (
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func Example() {
	dc := converter.Default()

	// Values become payloads exactly as other Temporal SDKs write them.
	for _, v := range []any{nil, []byte{1, 2}, "hello", 42, &commonpb.WorkflowType{Name: "Greet"}} {
		p, err := dc.ToPayload(v)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-13s %q\n", p.Metadata[converter.MetadataEncoding], p.Metadata[converter.MetadataMessageType])
	}

	// Payloads decode into pointers.
	ps, _ := dc.ToPayloads("hello", 42)
	var s string
	var n int
	if err := dc.FromPayloads(ps, &s, &n); err != nil {
		panic(err)
	}
	fmt.Println(s, n)

	// Mismatched types give clear errors.
	fmt.Println(dc.FromPayload(ps.Payloads[0], &n))

	// Codecs run after conversion, e.g. compression.
	zdc := converter.WithCodecs(dc, converter.NewZlibCodec(converter.ZlibCodecOptions{AlwaysEncode: true}))
	p, _ := zdc.ToPayload("hello")
	fmt.Printf("%s\n", p.Metadata[converter.MetadataEncoding])

	// Errors travel as failures and keep their details.
	fc := converter.NewFailureConverter(dc, converter.FailureConverterOptions{})
	f := fc.ErrorToFailure(temporal.NewApplicationError("card declined", "PaymentError", "order-7"))
	var appErr *temporal.ApplicationError
	if errors.As(fc.FailureToError(f), &appErr) {
		var order string
		_ = appErr.Details(&order)
		fmt.Println(appErr.Type(), appErr.Message(), order)
	}
	// Output:
	// binary/null   ""
	// binary/plain  ""
	// json/plain    ""
	// json/plain    ""
	// json/protobuf "temporal.api.common.v1.WorkflowType"
	// hello 42
	// converter: cannot decode json/plain payload into int: json: cannot unmarshal string into Go value of type int
	// binary/zlib
	// PaymentError card declined order-7
}
