package temporal_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func Example() {
	// An activity reports a business failure with details.
	err := fmt.Errorf("charging: %w",
		temporal.NewNonRetryableApplicationError("card declined", "PaymentError", nil, "order-7", 1999))

	// Callers inspect it with errors.As and read the details back.
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		var order string
		var cents int
		if err := appErr.Details(&order, &cents); err != nil {
			panic(err)
		}
		fmt.Println(appErr.Type(), appErr.NonRetryable(), order, cents)
	}

	// Retry policies convert to their wire form.
	p := &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 3}
	fmt.Println(p.ToProto().GetInitialInterval().AsDuration(), p.ToProto().GetMaximumAttempts())
	// Output:
	// PaymentError true order-7 1999
	// 1s 3
}
