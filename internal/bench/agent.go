package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// agentSocket is an agent's WebSocket (/ws/agent), which receives every
// outbox event. It times each of the run's messages from the start of its
// sending (sent) to its message.created event's arrival.
type agentSocket struct {
	conn   *websocket.Conn
	prefix string // client_message_id prefix of this run's messages

	mu   sync.Mutex
	sent map[string]time.Time // client_message_id → start of sending, until seen
	lat  []time.Duration

	exited chan struct{}
	err    error
}

// dialAgent opens the agent WebSocket with an API token and starts reading
// it until readCtx ends.
func dialAgent(ctx, readCtx context.Context, hc *http.Client, base, token, runID string) (*agentSocket, error) {
	u := wsBase(base) + "/ws/agent"
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: hc, HTTPHeader: h})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(maxResponse)
	a := &agentSocket{conn: conn, prefix: "bench-" + runID + "-", sent: map[string]time.Time{}, exited: make(chan struct{})}
	go a.read(readCtx)
	return a, nil
}

// agentFrame holds the fields of an agent frame the benchmark looks at.
type agentFrame struct {
	Type  string `json:"type"`
	Event struct {
		Type    string `json:"type"`
		Payload struct {
			Message struct {
				ClientMessageID string `json:"client_message_id"`
			} `json:"message"`
		} `json:"payload"`
	} `json:"event"`
}

func (a *agentSocket) read(ctx context.Context) {
	defer close(a.exited)
	buf := make([]byte, 0, 2048)
	for {
		typ, r, err := a.conn.Reader(ctx)
		if err != nil {
			a.err = err
			return
		}
		if buf, err = readBody(buf, r, maxResponse); err != nil {
			a.err = err
			return
		}
		now := time.Now()
		var f agentFrame
		if typ != websocket.MessageText || json.Unmarshal(buf, &f) != nil || f.Type != "event" || f.Event.Type != "message.created" {
			continue
		}
		id := f.Event.Payload.Message.ClientMessageID
		if !strings.HasPrefix(id, a.prefix) {
			continue
		}
		a.mu.Lock()
		if t0, ok := a.sent[id]; ok { // recorded before the message was posted
			a.lat = append(a.lat, now.Sub(t0))
			delete(a.sent, id)
		}
		a.mu.Unlock()
	}
}

// sending records that the message with this client_message_id starts
// being sent at t0 (its first attempt only), before it is posted.
func (a *agentSocket) sending(id string, t0 time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.sent[id]; !ok {
		a.sent[id] = t0
	}
}

// pending returns how many sent messages have not been seen yet.
func (a *agentSocket) pending() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.sent)
}

// waitDelivered waits up to timeout for every sent message to have been
// seen.
func (a *agentSocket) waitDelivered(ctx context.Context, timeout time.Duration) {
	end := time.Now().Add(timeout)
	for a.pending() > 0 && time.Now().Before(end) && ctx.Err() == nil {
		select {
		case <-a.exited:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// latencies returns the delivery latencies measured so far.
func (a *agentSocket) latencies() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Duration(nil), a.lat...)
}

// close closes the socket and waits for the reading goroutine to return.
func (a *agentSocket) close() {
	a.conn.Close(websocket.StatusNormalClosure, "bench done")
	<-a.exited
}
