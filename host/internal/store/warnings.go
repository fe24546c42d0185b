package store

import (
	"context"
	"sync"
)

// Warnings collects what went wrong in a request that still succeeded: an
// entry written but not committed to git. A store adds to the collector its
// context carries (Warn); the host puts them in the answer's "warning"
// field, the CLI on stderr with a non-zero exit, so they are never only a
// log line.
type Warnings struct {
	mu   sync.Mutex
	list []string
}

type warningsKey struct{}

// WithWarnings returns ctx carrying a new collector.
func WithWarnings(ctx context.Context) (context.Context, *Warnings) {
	w := &Warnings{}
	return context.WithValue(ctx, warningsKey{}, w), w
}

// Warn adds msg to ctx's collector, if it has one. It reports whether one
// was there to take it.
func Warn(ctx context.Context, msg string) bool {
	w, _ := ctx.Value(warningsKey{}).(*Warnings)
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range w.list {
		if m == msg {
			return true
		}
	}
	w.list = append(w.list, msg)
	return true
}

// List returns the warnings collected so far, in order.
func (w *Warnings) List() []string {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}
