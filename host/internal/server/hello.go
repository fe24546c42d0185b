package server

import (
	"context"
	"sync"
	"time"

	"github.com/otpfill/otpfill/protocol"
)

// hello: the host's version and the health of each store.

// checkTimeout bounds each store's health check.
const checkTimeout = time.Second

func (s *Server) hello(ctx context.Context) protocol.HelloResult {
	res := protocol.HelloResult{Version: s.Version, Protocol: protocol.Version, Stores: make([]protocol.StoreStatus, len(s.Stores))}
	var wg sync.WaitGroup
	for i, st := range s.Stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			status := protocol.StoreStatus{ID: st.ID(), Kind: st.Kind(), OK: true, Optional: s.Optional[st.ID()]}
			if err := st.Check(cctx); err != nil {
				status.OK = false
				status.Error = err.Error()
			}
			res.Stores[i] = status
		}()
	}
	wg.Wait()
	return res
}
