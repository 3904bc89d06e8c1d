package temporal

// OptionsError is the type of the errors workflow code gets for options
// the runtime rejects before it sends anything to the server. Its values
// are constants; match them with errors.Is.
type OptionsError string

// Error returns the text of the error.
func (e OptionsError) Error() string { return string(e) }

// ErrMissingTimeout is returned by the future of an activity or a local
// activity whose options set neither ScheduleToCloseTimeout nor
// StartToCloseTimeout. Nothing is scheduled.
const ErrMissingTimeout = OptionsError("workflow: activity options need ScheduleToCloseTimeout or StartToCloseTimeout")
