package lockfile

import (
	"context"
	"testing"
	"time"
)

func TestAcquireExcludes(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Acquire(context.Background(), dir, "pass\x00github.com/alice")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, dir, "pass\x00github.com/alice"); err == nil {
		t.Fatal("second Acquire of a held lock succeeded")
	}
	other, err := Acquire(context.Background(), dir, "pass\x00gitlab.com/alice")
	if err != nil {
		t.Fatalf("a different key is blocked: %v", err)
	}
	other()
	unlock()
	again, err := Acquire(context.Background(), dir, "pass\x00github.com/alice")
	if err != nil {
		t.Fatalf("Acquire after unlock: %v", err)
	}
	again()
}
