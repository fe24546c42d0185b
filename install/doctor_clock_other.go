//go:build !linux

package install

import "errors"

// readKernelClock: only Linux has adjtimex; elsewhere the doctor asks the
// OS's own time service.
func readKernelClock() (kernelClock, error) {
	return kernelClock{}, errors.New("adjtimex is Linux only")
}
