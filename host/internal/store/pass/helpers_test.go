package pass_test

import (
	"strconv"
	"testing"
	"time"
)

func timeAt(unix int64) time.Time { return time.Unix(unix, 0) }
func nowUnix() int64              { return time.Now().Unix() }

// near accepts the same code or, at a step boundary, the neighbouring one:
// both sides ran at slightly different instants.
func near(t *testing.T, got, want string) bool {
	t.Helper()
	if got == want {
		return true
	}
	_, err1 := strconv.Atoi(got)
	_, err2 := strconv.Atoi(want)
	return err1 == nil && err2 == nil && time.Now().Unix()%30 <= 1
}
