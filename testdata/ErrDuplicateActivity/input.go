package errduplicateactivity

import "context"

//temporal:activity
func Compose(ctx context.Context, name string) (string, error) { return name, nil }

//temporal:activity name=Compose
func ComposeV2(ctx context.Context, name string) (string, error) { return name, nil }

// Mailer's methods are activities; Send collides with the function below.
//
//temporal:activity
type Mailer struct{}

// Send is an activity.
func (m *Mailer) Send(ctx context.Context, to string) error { return nil }

//temporal:activity
func Send(ctx context.Context, to string) error { return nil }
