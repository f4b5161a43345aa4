package wsx

import "sync"

// Streams counts the WebSocket handlers running, so shutdown can wait for
// them. A plain WaitGroup is not enough: http.Server.Shutdown does not wait
// for upgraded connections, so a handler may begin while Wait is already
// waiting, and Add from zero must not race with Wait. Once waiting has
// begun, new streams are refused. The zero Streams is ready to use.
type Streams struct {
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
}

// Enter registers a stream; false once the server is waiting for streams
// to end (the caller closes the connection at once).
func (st *Streams) Enter() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closing {
		return false
	}
	st.wg.Add(1)
	return true
}

// Leave unregisters a stream registered by Enter.
func (st *Streams) Leave() { st.wg.Done() }

// Wait refuses new streams and waits for the running ones to end.
func (st *Streams) Wait() {
	st.mu.Lock()
	st.closing = true
	st.mu.Unlock()
	st.wg.Wait()
}
