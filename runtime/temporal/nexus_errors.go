package temporal

import "fmt"

// NexusOperationError wraps the failure of a Nexus operation seen from the
// calling workflow; Unwrap gives the cause (the handler's
// ApplicationError, a CanceledError, a TimeoutError, ...).
type NexusOperationError struct {
	Message          string
	Endpoint         string
	Service          string
	Operation        string
	OperationToken   string
	ScheduledEventID int64
	Cause            error
}

func (e *NexusOperationError) Error() string {
	msg := fmt.Sprintf("nexus operation error (endpoint: %s, service: %s, operation: %s)", e.Endpoint, e.Service, e.Operation)
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *NexusOperationError) Unwrap() error { return e.Cause }
