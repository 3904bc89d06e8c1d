// Package testenv holds the helpers shared by the integration tests that run
// against a real Temporal dev server (runtime/testsuite/devserver): bounded contexts,
// the two worker cache modes, test loggers, clients, workers, workflow
// starts and results, and history inspection.
//
// testenv keeps no state of its own. Each test package starts its own dev
// server in TestMain and keeps the handle; the helpers take it, the test and
// the client explicitly. Every helper that can fail fails the test.
//
// Every integration scenario runs twice, through ForEachCache (or
// ForEachCacheParallel): with the sticky workflow cache
// (worker.DefaultCacheSize) and with CacheSize 0, so that every workflow task
// replays the whole history.
//
// A typical package:
//
//	var srv *devserver.Server
//
//	func TestMain(m *testing.M) {
//		os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
//	}
//
//	func TestGreet(t *testing.T) {
//		testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
//			log := testenv.Logger(t, slog.LevelWarn)
//			c := testenv.Dial(t, srv, client.Options{Logger: log})
//			tq := testenv.UniqueID("tq-" + t.Name())
//			testenv.StartWorker(t, c, tq, worker.Options{CacheSize: cacheSize, Logger: log}, func(w *worker.Worker) {
//				testenv.Must(t, w.RegisterWorkflow("Greet", greet))
//			})
//			h := testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "Greet", "Ada")
//			testenv.TerminateAtEnd(t, h)
//			if got := testenv.Result[string](t, h); got != "Hello, Ada" {
//				t.Errorf("result %q", got)
//			}
//			evs := testenv.History(t, h)
//			if testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) != 1 {
//				t.Errorf("history:\n%s", testenv.FormatHistory(evs))
//			}
//		})
//	}
package testenv
