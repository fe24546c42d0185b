package run

import (
	"strings"
	"testing"
	"time"
)

func TestProgram(t *testing.T) {
	out, _, err := Program(5*time.Second, []string{"X=from-env"}, "/bin/sh", "-c", `echo "$X"`)
	if err != nil || out != "from-env\n" {
		t.Errorf("echo: %q, %v", out, err)
	}
	_, _, err = Program(5*time.Second, nil, "/bin/sh", "-c", "echo '  first words' >&2; echo second >&2; exit 3")
	if err == nil || err.Error() != "first words" {
		t.Errorf("failing program: error %v, want its first stderr line", err)
	}
	start := time.Now()
	_, _, err = Program(200*time.Millisecond, nil, "/bin/sh", "-c", "sleep 5")
	if err == nil || !strings.Contains(err.Error(), "no answer within") || time.Since(start) > 3*time.Second {
		t.Errorf("slow program: %v after %v", err, time.Since(start))
	}
}
