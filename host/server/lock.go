package server

import (
	"fmt"
	"sync"
)

var memLocks sync.Map // storeID+"\x00"+name → *sync.Mutex

func (s *Server) lock(storeID, name string) (func(), error) {
	// An entry that is a link to another is locked as that other entry:
	// both are one file, one HOTP counter.
	if st, err := s.storeByID(storeID); err == nil {
		if l, ok := st.(interface{ LockName(string) string }); ok {
			name = l.LockName(name)
		}
	}
	m, _ := memLocks.LoadOrStore(storeID+"\x00"+name, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	if s.Lock == nil {
		return mu.Unlock, nil
	}
	unlock, err := s.Lock(storeID, name)
	if err != nil {
		mu.Unlock()
		return nil, fmt.Errorf("cannot lock %s: %w", name, err)
	}
	return func() { unlock(); mu.Unlock() }, nil
}
