package temporal

import (
	"reflect"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy *RetryPolicy
		proto  *commonpb.RetryPolicy
	}{
		{"nil", nil, nil},
		{"zero", &RetryPolicy{}, &commonpb.RetryPolicy{}},
		{"full", &RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        5,
			NonRetryableErrorTypes: []string{"A", "B"},
		}, &commonpb.RetryPolicy{
			InitialInterval:        durationpb.New(time.Second),
			BackoffCoefficient:     2,
			MaximumInterval:        durationpb.New(time.Minute),
			MaximumAttempts:        5,
			NonRetryableErrorTypes: []string{"A", "B"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.policy.ToProto()
			if !proto.Equal(got, tt.proto) || (got == nil) != (tt.proto == nil) {
				t.Errorf("ToProto() = %v, want %v", got, tt.proto)
			}
			if back := RetryPolicyFromProto(tt.proto); !reflect.DeepEqual(back, tt.policy) {
				t.Errorf("RetryPolicyFromProto() = %+v, want %+v", back, tt.policy)
			}
		})
	}
}
