package sessionsconnector

import "sync"

// dimensionLimiter keeps the distinct values seen of each dimension, at most max of each, for the
// connector's lifetime. It is safe for concurrent use.
type dimensionLimiter struct {
	mu   sync.Mutex
	max  int
	seen []map[string]struct{}
}

func newDimensionLimiter(dims, maxValues int) *dimensionLimiter {
	seen := make([]map[string]struct{}, dims)
	for i := range seen {
		seen[i] = make(map[string]struct{})
	}
	return &dimensionLimiter{max: maxValues, seen: seen}
}

// admit reports whether every value (one per dimension, "" when the attribute is absent) is known or fits
// under the cap, and then remembers them. When one does not fit, none is remembered.
func (dl *dimensionLimiter) admit(values []string) bool {
	dl.mu.Lock()
	defer dl.mu.Unlock()
	for i, v := range values {
		if v == "" {
			continue
		}
		if _, ok := dl.seen[i][v]; !ok && len(dl.seen[i]) >= dl.max {
			return false
		}
	}
	for i, v := range values {
		if v != "" {
			dl.seen[i][v] = struct{}{}
		}
	}
	return true
}
