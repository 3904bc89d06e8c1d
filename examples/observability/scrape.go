package observability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The scraped names of two of the runtime's metrics (temporal_workflow_completed,
// a counter, and temporal_activity_execution_latency, a timer), as
// temporalotel.NewPrometheus names them.
const (
	completedFamily   = "temporal_workflow_completed_total"
	actLatencyFamily  = "temporal_activity_execution_latency_seconds"
	labelTaskQueue    = "task_queue"
	labelWorkflowType = "workflow_type"
	labelActivityType = "activity_type"
)

// scraped is what scrape found for one task queue.
type scraped struct {
	completed  map[string]int // by workflow type
	activities map[string]int // by activity type
	lines      []string
}

// scrape GETs a /metrics URL and picks out the task queue's completed
// workflows and activity executions.
func scrape(ctx context.Context, url, taskQueue string) (scraped, error) {
	out := scraped{completed: map[string]int{}, activities: map[string]int{}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return out, err
	}
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return out, fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return out, fmt.Errorf("GET %s: parse: %w", url, err)
	}
	for _, m := range fams[completedFamily].GetMetric() {
		if label(m, labelTaskQueue) == taskQueue {
			out.completed[label(m, labelWorkflowType)] += int(m.GetCounter().GetValue())
		}
	}
	for _, m := range fams[actLatencyFamily].GetMetric() {
		if label(m, labelTaskQueue) == taskQueue {
			out.activities[label(m, labelActivityType)] += int(m.GetHistogram().GetSampleCount())
		}
	}
	queue := fmt.Sprintf("%s=%q", labelTaskQueue, taskQueue)
	for line := range strings.Lines(string(body)) {
		if (strings.HasPrefix(line, completedFamily+"{") || strings.HasPrefix(line, actLatencyFamily+"_count{")) &&
			strings.Contains(line, queue) {
			out.lines = append(out.lines, strings.TrimSuffix(line, "\n"))
		}
	}
	return out, nil
}

// label returns the value of a sample's label, "" if it has none.
func label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}
