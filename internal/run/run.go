// Package run runs a short-lived program for a check (doctor's gpg,
// gpg-agent, git and clock probes) with a timeout and a given environment.
package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Program runs name with args and env (nil: this process's), without
// stdin, for at most timeout, and returns its stdout and stderr. A non-zero
// exit is an error saying the first line of stderr, if there is one; no
// answer in time is an error saying so.
func Program(timeout time.Duration, env []string, name string, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// gpg-connect-agent may start gpg-agent, which could keep our pipes
	// open; do not wait for it beyond the deadline.
	cmd.WaitDelay = timeout
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %s", timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && stderr.Len() > 0 {
		err = errors.New(FirstLine(stderr.String()))
	}
	return stdout.String(), stderr.String(), err
}

// FirstLine is the first non-blank line of s, trimmed.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}
