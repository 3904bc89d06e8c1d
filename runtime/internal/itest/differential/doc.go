// Package differential runs the same workflow tests twice — in the
// in-process environment (package testsuite) and, through
// testsuite.Options.Server, on a real Temporal dev server — and checks
// that both histories hold the same events in the same order, with the
// same command attributes (ids, types, inputs, results), up to times and
// server-assigned ids. A difference is a bug of the environment.
//
// The package has no code of its own; its tests live in package
// differential_test, with one dev server for the package (TestMain).
package differential
