package converter

import sdkpb "go.temporal.io/api/sdk/v1"

// UserMetadata returns the user metadata the Temporal Web UI shows for a
// workflow or a command (a one-line summary, and details in Markdown),
// encoded with dc; nil when both are empty.
func UserMetadata(dc DataConverter, summary, details string) (*sdkpb.UserMetadata, error) {
	if summary == "" && details == "" {
		return nil, nil
	}
	md := &sdkpb.UserMetadata{}
	var err error
	if summary != "" {
		if md.Summary, err = dc.ToPayload(summary); err != nil {
			return nil, err
		}
	}
	if details != "" {
		if md.Details, err = dc.ToPayload(details); err != nil {
			return nil, err
		}
	}
	return md, nil
}
