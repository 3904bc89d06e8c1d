// Package replaytest replays the workflow histories recorded under
// testdata/histories against the workflow code that produced them (they
// must replay, also when cut at every workflow task) and against
// deliberately changed code (it must fail with a
// *temporal.NondeterminismError). It is both a regression test of the
// replayer and a worked example of replay testing in CI; see
// testdata/histories/README.md.
//
// The tests need no server. To record the histories again against a dev
// server (built by `make devserver`):
//
//	go test ./runtime/worker/replaytest/ -run TestRecord -record
package replaytest
