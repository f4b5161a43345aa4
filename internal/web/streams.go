package web

import "sync"

// streams counts the WebSocket handlers running, so shutdown can wait for
// them. A plain WaitGroup is not enough: http.Server.Shutdown does not wait
// for upgraded connections, so a handler may begin while WaitStreams is
// already waiting, and Add from zero must not race with Wait. Once waiting
// has begun, new streams are refused.
type streams struct {
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
}

// enter registers a stream; false once the server is waiting for streams
// to end (the caller closes the connection at once).
func (st *streams) enter() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closing {
		return false
	}
	st.wg.Add(1)
	return true
}

// leave unregisters a stream registered by enter.
func (st *streams) leave() { st.wg.Done() }

// wait refuses new streams and waits for the running ones to end.
func (st *streams) wait() {
	st.mu.Lock()
	st.closing = true
	st.mu.Unlock()
	st.wg.Wait()
}
