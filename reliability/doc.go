// Package reliability is the chaos suite: it runs a workload of workflows
// on three worker processes against a dev server on a SQLite file, kills
// workers and the server while the workload runs, and checks that nothing
// was lost or done twice. See README.md for the figures of a full run and
// how to reproduce them.
//
// Each workload workflow runs an activity, takes five signals and two
// updates (each update returns the number of updates so far), sleeps on a
// timer, runs a child workflow and a local activity, and returns what it
// counted. The driver sends every workflow's signals and updates at once.
// The fault schedule fires as completions reach 10%, 30%, 50% and 70% of
// the workflows: worker A is killed with SIGKILL and replaced, then worker
// B, then the server is killed and restarted on its database file, then
// A's replacement stops gracefully. Worker C has no workflow cache, so
// every task it takes replays the whole history.
//
// The checks: every workflow completed; each result shows exactly five
// signals and two updates, and the updates returned 1 and 2; no signal call
// returned an error (the client retries with the same request ID); update
// calls that failed were sent again with the same update ID and took
// effect once; no workflow task (of a workflow or its child) failed with a
// nondeterminism cause. The report adds the time from each fault to the
// next completed workflow and the throughput before and after the faults.
//
// Run drives one run; a program (cmd/chaos) or test re-executes itself as
// the worker processes, calling WorkerMain when IsWorkerProcess.
package reliability
