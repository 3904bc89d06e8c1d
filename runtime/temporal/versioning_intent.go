package temporal

// VersioningIntent says whether a command a workflow issues (an
// activity, a child workflow, a continue-as-new) should run on a worker
// of the workflow's own build id (the Python SDK's VersioningIntent, for
// the build-id-based worker versioning that server 1.29.1 still
// accepts). It is separate from worker deployment versioning, where a
// continue-as-new chooses its version with
// ContinueAsNewOptions.InitialVersioningBehavior.
type VersioningIntent int

const (
	// VersioningIntentUnspecified sends nothing: the server's default.
	VersioningIntentUnspecified VersioningIntent = iota
	// VersioningIntentCompatible runs the command on a worker compatible
	// with the workflow's build id (use_workflow_build_id /
	// inherit_build_id).
	VersioningIntentCompatible
	// VersioningIntentDefault runs it on the task queue's default build
	// id.
	VersioningIntentDefault
)

// Compatible reports whether the intent asks for the workflow's build id.
func (v VersioningIntent) Compatible() bool { return v == VersioningIntentCompatible }
