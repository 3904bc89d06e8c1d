package workflow

import (
	"fmt"
	"sort"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Memo returns the workflow's memo as raw payloads, including changes made
// with UpsertMemo.
func Memo(ctx Context) map[string]*commonpb.Payload {
	return impl(ctx).Run().Info().Memo.GetFields()
}

// MemoKeyError reports a memo key that is not set.
type MemoKeyError struct {
	Key   string
	Known []string
}

func (e *MemoKeyError) Error() string {
	return fmt.Sprintf("workflow: memo has no key %q (keys: %v)", e.Key, e.Known)
}

// MemoValue decodes the memo value under key into T. When the key is
// missing it returns def[0] if given, otherwise a *MemoKeyError.
func MemoValue[T any](ctx Context, key string, def ...T) (T, error) {
	var v T
	fields := Memo(ctx)
	p, ok := fields[key]
	if !ok {
		if len(def) > 0 {
			return def[0], nil
		}
		known := make([]string, 0, len(fields))
		for k := range fields {
			known = append(known, k)
		}
		sort.Strings(known)
		return v, &MemoKeyError{Key: key, Known: known}
	}
	if err := PayloadConverter(ctx).FromPayload(p, &v); err != nil {
		return v, fmt.Errorf("workflow: memo %s: cannot decode into %T: %w", key, v, err)
	}
	return v, nil
}

// UpsertMemo adds or changes memo fields; a nil value removes its key.
func UpsertMemo(ctx Context, fields map[string]any) error {
	dc := PayloadConverter(ctx)
	enc := make(map[string]*commonpb.Payload, len(fields))
	for k, v := range fields {
		if v == nil {
			enc[k] = &commonpb.Payload{}
			continue
		}
		p, err := dc.ToPayload(v)
		if err != nil {
			return fmt.Errorf("workflow: encoding memo %s: %w", k, err)
		}
		enc[k] = p
	}
	return impl(ctx).UpsertMemo(enc)
}

// UpsertSearchAttributes sets or removes search attributes:
//
//	workflow.UpsertSearchAttributes(ctx, statusKey.ValueSet("shipped"), notesKey.ValueUnset())
func UpsertSearchAttributes(ctx Context, updates ...temporal.SearchAttributeUpdate) error {
	sa, err := temporal.EncodeSearchAttributeUpdates(updates...)
	if err != nil {
		return err
	}
	// Removals stay binary/null payloads without data: the server rejects
	// a payload without an encoding ("invalid value for search attribute").
	return impl(ctx).UpsertSearchAttributes(sa.IndexedFields)
}

// SearchAttributes returns the workflow's search attributes as raw
// payloads, including upserts; read typed values with a key's Get.
func SearchAttributes(ctx Context) *commonpb.SearchAttributes {
	return impl(ctx).Run().Info().SearchAttributes
}

// GetSearchAttribute reads one typed search attribute.
func GetSearchAttribute[T any](ctx Context, key temporal.SearchAttributeKey[T]) (T, bool) {
	return key.Get(SearchAttributes(ctx))
}
