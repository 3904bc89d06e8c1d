// Package conformance re-expresses, as tests of this runtime against the
// real Temporal dev server, the SDK behaviours that the Temporal cross-SDK
// feature suite (temporalio/features) and the Python SDK's workflow tests
// hold every SDK to. See README.md for the feature-by-feature table.
//
// Every scenario runs twice: with the worker's sticky cache
// (worker.DefaultCacheSize) and with CacheSize 0, where every workflow
// task replays the whole history. The package is part of the main module,
// so `make test` (go test ./...) runs it; it needs the dev server binary
// that `make devserver` builds.
package conformance
