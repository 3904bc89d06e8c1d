package temporalotel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// greetWorkflow runs one activity.
func greetWorkflow(ctx workflow.Context, name string) (string, error) {
	return workflow.ExecuteActivity[string](ctx,
		workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Hello", name).Get(ctx)
}

func helloActivity(_ context.Context, name string) (string, error) { return "Hello, " + name, nil }

// TestScrapeWorkerMetrics is the whole path: a worker on a real dev
// server records into NewPrometheus's handler, and a scrape of /metrics
// over HTTP shows the SDK metrics under the names sdk-go's Prometheus
// setup gives them.
//
// The dev server is started here rather than in TestMain, so that the
// package's other tests need none.
func TestScrapeWorkerMetrics(t *testing.T) {
	srv, err := devserver.Start(devserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })

	p := newPrometheus(t, PrometheusOptions{})
	metricsURL := serveMetrics(t, p.HTTPHandler())

	log := testenv.Logger(t, slog.LevelWarn)
	// The worker takes its client's handler.
	c := testenv.Dial(t, srv, client.Options{Logger: log, MetricsHandler: p.Handler()})
	tq := testenv.UniqueID("tq-" + t.Name())
	testenv.StartWorker(t, c, tq, worker.Options{Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Greet", greetWorkflow))
		testenv.Must(t, w.RegisterActivity("Hello", helloActivity))
	})

	const n = 5
	var handles []*client.WorkflowHandle
	for i := range n {
		h := testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "Greet", fmt.Sprint(i))
		testenv.TerminateAtEnd(t, h)
		handles = append(handles, h)
	}
	for i, h := range handles {
		if got, want := testenv.Result[string](t, h), fmt.Sprintf("Hello, %d", i); got != want {
			t.Fatalf("workflow %d: result %q, want %q", i, got, want)
		}
	}

	// The worker may record a run's metrics just after the server has
	// the result, so look until they add up (bounded).
	completed := promName("counter", temporal.MetricWorkflowCompleted)
	actLatency := promName("timer", temporal.MetricActivityExecutionLatency)
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	testenv.Eventually(t, ctx, "the scrape to show the 5 workflows' metrics", func() (bool, error) {
		// Not ctx: the last scrape, the one reported, must not be cut
		// short by the deadline that ends the wait.
		sctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		fams, err := scrapeErr(sctx, metricsURL)
		if err != nil {
			return false, err
		}
		var errs []error
		wf, err := findSample(fams, completed, dto.MetricType_COUNTER, map[string]string{
			temporal.TagWorkflowType: "Greet", temporal.TagTaskQueue: tq, temporal.TagNamespace: srv.Namespace(),
		})
		if err != nil {
			errs = append(errs, err)
		} else if v := wf.GetCounter().GetValue(); v != n {
			errs = append(errs, fmt.Errorf("%s = %v, want %d", completed, v, n))
		}
		act, err := findSample(fams, actLatency, dto.MetricType_HISTOGRAM, map[string]string{
			temporal.TagActivityType: "Hello", temporal.TagTaskQueue: tq,
		})
		if err != nil {
			errs = append(errs, err)
		} else if got := act.GetHistogram().GetSampleCount(); got != n {
			errs = append(errs, fmt.Errorf("%s count = %d, want %d", actLatency, got, n))
		}
		errs = append(errs, checkHistograms(fams)...)
		return len(errs) == 0, errors.Join(errs...)
	})
}

// checkHistograms reports histogram families that are missing or hold
// an empty or inconsistent sample: each needs a count, a sum not below
// zero and cumulative buckets ending (at +Inf) with the count.
func checkHistograms(fams map[string]*dto.MetricFamily) []error {
	var errs []error
	seen := 0
	for name, f := range fams {
		if f.GetType() != dto.MetricType_HISTOGRAM {
			continue
		}
		seen++
		for _, m := range f.GetMetric() {
			h := m.GetHistogram()
			bs := h.GetBucket()
			if h.GetSampleCount() == 0 || h.GetSampleSum() < 0 || len(bs) == 0 {
				errs = append(errs, fmt.Errorf("%s%v: empty (count %d, sum %v, %d buckets)", name, labelsOf(m), h.GetSampleCount(), h.GetSampleSum(), len(bs)))
				continue
			}
			for i := 1; i < len(bs); i++ {
				if bs[i].GetCumulativeCount() < bs[i-1].GetCumulativeCount() {
					errs = append(errs, fmt.Errorf("%s%v: buckets not cumulative: %v", name, labelsOf(m), bs))
					break
				}
			}
			if last := bs[len(bs)-1].GetCumulativeCount(); last != h.GetSampleCount() {
				errs = append(errs, fmt.Errorf("%s%v: +Inf bucket %d, count %d", name, labelsOf(m), last, h.GetSampleCount()))
			}
		}
	}
	if seen == 0 {
		errs = append(errs, errors.New("no histogram in the scrape"))
	}
	return errs
}

// serveMetrics serves h at /metrics on a loopback port, as a program
// would, until the test ends; it returns the URL.
func serveMetrics(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	t.Cleanup(func() {
		_ = hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("metrics server: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + "/metrics"
}
