// Package converter turns Go values into Temporal payloads and errors into
// Temporal failures, byte-for-byte compatible with the other Temporal SDKs.
//
// # Data converters
//
// A DataConverter encodes workflow and activity arguments, results,
// signals, queries, memos and error details. Default returns the standard
// one, which picks the first PayloadConverter that handles a value:
//
//	value                     encoding         data
//	nil, nil pointer          binary/null      empty
//	[]byte                    binary/plain     the bytes
//	proto.Message             json/protobuf    protojson.Marshal output
//	anything else             json/plain       json.Marshal output
//
// Proto payloads also carry the "messageType" metadata with the message's
// full name. binary/protobuf payloads written by other SDKs are decoded
// too. Decoding chooses the converter by the payload's "encoding" metadata
// and stores the value into a pointer:
//
//	var name string
//	var count int
//	err := dc.FromPayloads(payloads, &name, &count)
//
// Missing payloads leave their pointers untouched and surplus payloads are
// ignored. Decoding errors name the encoding and the Go type, for example
// "converter: cannot decode json/plain payload into int: ...".
//
// Build other converters with NewCompositeDataConverter from the
// PayloadConverter implementations: NilPayloadConverter,
// ByteSlicePayloadConverter, ProtoJSONPayloadConverter,
// ProtoPayloadConverter and JSONPayloadConverter, or your own.
//
// # Codecs
//
// A PayloadCodec transforms encoded payloads, typically to compress or
// encrypt them. WithCodecs wraps a DataConverter so that codecs run in order
// after encoding and in reverse order before decoding:
//
//	dc := converter.WithCodecs(converter.Default(),
//		converter.NewZlibCodec(converter.ZlibCodecOptions{}), myEncryptionCodec)
//
// NewZlibCodec writes binary/zlib payloads holding the compressed original
// payload, as the other SDKs' zlib codecs do.
//
// Codecs returns the codecs of such a converter. To let people read
// encoded payloads in the Temporal Web UI and the temporal CLI
// (--codec-endpoint), serve the same codecs over HTTP with package
// runtime/converter/codecserver; examples/encryption does so for an
// AES-GCM codec.
//
// # Failures
//
// A FailureConverter maps the errors of package runtime/temporal to
// Temporal failures and back, recursively through causes. Errors of other
// types become retryable application failures named after their Go type.
// Details are encoded with the DataConverter given to NewFailureConverter
// and decoded lazily when the receiver calls Details. With
// FailureConverterOptions.EncodeCommonAttributes, messages and stack traces
// are moved into the encoded attributes so that codecs protect them too.
package converter
