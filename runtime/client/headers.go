package client

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// withHeaders returns the key-value pairs kv with the headers h added, names
// in lower case: a header whose name kv already has replaces that pair's
// value. The headers are added in name order, so the result does not depend
// on map iteration.
func withHeaders(kv []string, h map[string]string) []string {
	if len(h) == 0 {
		return kv
	}
	out := slices.Clone(kv)
next:
	for _, name := range slices.Sorted(maps.Keys(h)) {
		key := strings.ToLower(name)
		for i := 0; i < len(out); i += 2 {
			if out[i] == key {
				out[i+1] = h[name]
				continue next
			}
		}
		out = append(out, key, h[name])
	}
	return out
}

// checkHeaders reports the first header of h, in name order, that gRPC
// would refuse to send: an empty name, a name with characters other than
// a-z, 0-9, '-', '_' and '.' (in any case), a name starting with "grpc-"
// (reserved), a value with characters other than printable ASCII unless
// the name ends in "-bin" (binary headers), or two names that differ only
// in case.
func checkHeaders(h map[string]string) error {
	seen := make(map[string]string, len(h))
	for _, name := range slices.Sorted(maps.Keys(h)) {
		key := strings.ToLower(name)
		if prev, ok := seen[key]; ok {
			return fmt.Errorf("client: Options.Headers has both %q and %q", prev, name)
		}
		seen[key] = name
		if key == "" {
			return fmt.Errorf("client: Options.Headers has an empty header name")
		}
		for _, r := range key {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				return fmt.Errorf("client: Options.Headers: header name %q has the character %q (allowed: a-z, 0-9, '-', '_', '.')", name, r)
			}
		}
		if strings.HasPrefix(key, "grpc-") {
			return fmt.Errorf("client: Options.Headers: header name %q is reserved by gRPC", name)
		}
		if strings.HasSuffix(key, "-bin") {
			continue
		}
		for _, r := range h[name] {
			if r < 0x20 || r > 0x7e {
				return fmt.Errorf("client: Options.Headers: value of header %q has the character %q; only printable ASCII can be sent (or name the header *-bin for binary values)", name, r)
			}
		}
	}
	return nil
}
