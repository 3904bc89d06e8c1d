// Package orchestration holds integration tests, against a real Temporal
// dev server, of the runtime's orchestration features (issue 5): child and
// external workflows, continue-as-new, local activities, patching, memo
// and search attributes, workflow info, deterministic concurrency helpers,
// the replay-safe metric meter and failure_errors.
//
// The package has no code of its own; its tests live in package
// orchestration_test. One dev server serves the whole package (TestMain),
// with the custom search attributes the tests use registered at startup.
// Every scenario runs twice: with the worker's sticky cache
// (worker.DefaultCacheSize) and without it (CacheSize 0, so every workflow
// task replays the whole history).
package orchestration
