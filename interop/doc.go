// Package interop checks that the temporalgen runtime interoperates with
// go.temporal.io/sdk (sdk-go) against a real Temporal dev server: an
// sdk-go client drives workflows hosted by our worker, activities and
// child workflows cross between the two SDKs in both directions, and the
// payloads written to history are byte-for-byte what sdk-go writes.
//
// This is a separate Go module so that go.temporal.io/sdk never becomes a
// dependency of the main module. The package has tests only.
package interop
