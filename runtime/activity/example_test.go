package activity_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
)

// ProcessFiles is an activity that resumes where a failed attempt stopped:
// it heartbeats the index of the last file done, and a retried attempt
// reads that index back.
func ProcessFiles(ctx context.Context, files []string) (int, error) {
	start := 0
	if activity.HasHeartbeatDetails(ctx) {
		var done int
		if err := activity.GetHeartbeatDetails(ctx, &done); err != nil {
			return 0, err
		}
		start = done + 1
	}
	info := activity.GetInfo(ctx)
	for i := start; i < len(files); i++ {
		if err := ctx.Err(); err != nil {
			return 0, err // canceled: reported as such if the workflow asked for it
		}
		fmt.Printf("attempt %d: processing %s\n", info.Attempt, files[i])
		activity.RecordHeartbeat(ctx, i)
	}
	return len(files) - start, nil
}

func Example() {
	// The worker builds this environment for every attempt; here we fake
	// a second attempt whose predecessor finished file 0.
	dc := converter.Default()
	prev, _ := dc.ToPayloads(0)
	ctx := actctx.With(context.Background(), &actctx.Env{
		Info:             actctx.Info{ActivityType: "ProcessFiles", Attempt: 2},
		Heartbeat:        func(*commonpb.Payloads) {},
		HeartbeatDetails: prev,
		DataConverter:    dc,
		Logger:           slog.New(slog.NewTextHandler(os.Stdout, nil)),
	})
	n, err := ProcessFiles(ctx, []string{"a.csv", "b.csv", "c.csv"})
	fmt.Println(n, err)
	// Output:
	// attempt 2: processing b.csv
	// attempt 2: processing c.csv
	// 2 <nil>
}
