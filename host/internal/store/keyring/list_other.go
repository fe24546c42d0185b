//go:build !linux && !darwin && !windows

package keyring

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// On other systems go-keyring either has no backend or talks to a Secret
// Service this package has not been tested with; say so rather than guess.
var errUnsupported = fmt.Errorf("the OS keyring is not supported on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func (s *Store) check(context.Context) error            { return unavailable(errUnsupported) }
func (s *Store) ready(context.Context) error            { return unavailable(errUnsupported) }
func (s *Store) list(context.Context) ([]string, error) { return nil, unavailable(errUnsupported) }
func (s *Store) written(context.Context, string) error  { return nil }
func (s *Store) removed(context.Context, string) error  { return nil }
