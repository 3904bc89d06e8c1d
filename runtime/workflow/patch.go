package workflow

// Patched reports whether to run the new code of a change identified by
// patchID. Use it to change a workflow's code while executions started
// with the old code are still running:
//
//	if workflow.Patched(ctx, "charge-before-ship") {
//		// new code
//	} else {
//		// old code
//	}
//
// New executions take the new path and record a marker; replays of
// executions that recorded the marker take it too, and older ones take the
// old path. Once no execution from before the patch is left, replace the
// call with DeprecatePatch, and once none from before the deprecation is
// left, remove it.
func Patched(ctx Context, patchID string) bool { return patched(ctx, patchID, false) }

func patched(ctx Context, patchID string, deprecated bool) bool {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return ch.out.Patched(ctx, patchID, deprecated)
	}
	return c.Patched(patchID, deprecated)
}

// DeprecatePatch marks a patch whose old code path is gone: executions
// that recorded the patch still replay, and the marker it writes lets the
// call itself be removed later.
func DeprecatePatch(ctx Context, patchID string) { patched(ctx, patchID, true) }
