package bench

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// contactSocket is a user's contact WebSocket. A goroutine reads its frames,
// counting the user's own (inbound) messages and tracking the highest seq
// seen, so that the user can wait for its last message to come back.
type contactSocket struct {
	conn    *websocket.Conn
	counted *atomic.Int64 // run-wide count of inbound messages received

	received atomic.Int64 // inbound messages received on this socket
	maxSeq   atomic.Int64 // highest seq received
	target   atomic.Int64 // seq to wait for; MaxInt64 until set
	once     sync.Once
	reached  chan struct{} // closed once maxSeq >= target

	// The bot's messages: when each arrived, and a signal per arrival.
	botMu   sync.Mutex
	botAt   []time.Time
	botSeen chan struct{} // receives (without blocking) on each bot message
	exited  chan struct{} // closed when the reading goroutine returns
	err     error         // why reading stopped; valid after exited
}

// wsBase returns base (an http or https URL) with the matching WebSocket
// scheme.
func wsBase(base string) string {
	switch {
	case strings.HasPrefix(base, "https://"):
		return "wss://" + base[len("https://"):]
	case strings.HasPrefix(base, "http://"):
		return "ws://" + base[len("http://"):]
	}
	return base
}

// wsURL returns the contact WebSocket URL for conversation id on the server
// at base (an http or https URL), replaying messages with seq > after.
func wsURL(base, id string, after int64) string {
	q := url.Values{}
	q.Set("conversation", id)
	q.Set("after", strconv.FormatInt(after, 10))
	return wsBase(base) + "/ws/contact?" + q.Encode()
}

// dialContact opens the contact WebSocket of conv and starts reading it
// until readCtx ends or the socket is closed. ctx bounds the handshake only.
func dialContact(ctx, readCtx context.Context, hc *http.Client, base string, conv conversation, counted *atomic.Int64) (*contactSocket, error) {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+conv.Token)
	conn, _, err := websocket.Dial(ctx, wsURL(base, conv.ID, 0), &websocket.DialOptions{
		HTTPClient: hc,
		HTTPHeader: h,
	})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(maxResponse)
	c := &contactSocket{
		conn:    conn,
		counted: counted,
		reached: make(chan struct{}),
		exited:  make(chan struct{}),
		botSeen: make(chan struct{}, 1),
	}
	c.target.Store(math.MaxInt64)
	go c.read(readCtx)
	return c, nil
}

// wsFrame holds the fields of a server frame the benchmark looks at.
type wsFrame struct {
	Type    string `json:"type"`
	Message struct {
		Seq       int64  `json:"seq"`
		Direction string `json:"direction"`
	} `json:"message"`
}

func (c *contactSocket) read(ctx context.Context) {
	defer close(c.exited)
	buf := make([]byte, 0, 1024)
	var f wsFrame
	for {
		typ, r, err := c.conn.Reader(ctx)
		if err != nil {
			c.err = err
			return
		}
		buf, err = readBody(buf, r, maxResponse)
		if err != nil {
			c.err = err
			return
		}
		if typ != websocket.MessageText {
			continue
		}
		if scanFrame(buf, &f) != nil || f.Type != "message" {
			continue
		}
		seq := f.Message.Seq
		if seq <= c.maxSeq.Load() {
			continue // replayed twice; count every message once
		}
		c.maxSeq.Store(seq)
		switch f.Message.Direction {
		case "inbound":
			c.received.Add(1)
			c.counted.Add(1)
		case "bot":
			c.botMu.Lock()
			c.botAt = append(c.botAt, time.Now())
			c.botMu.Unlock()
			select {
			case c.botSeen <- struct{}{}:
			default:
			}
		}
		if seq >= c.target.Load() {
			c.once.Do(func() { close(c.reached) })
		}
	}
}

// waitFor waits up to timeout for a message with seq >= seq to arrive and
// reports whether it did.
func (c *contactSocket) waitFor(ctx context.Context, seq int64, timeout time.Duration) bool {
	c.target.Store(seq)
	if c.maxSeq.Load() >= seq {
		return true
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c.reached:
		return true
	case <-c.exited:
	case <-t.C:
	case <-ctx.Done():
	}
	return c.maxSeq.Load() >= seq
}

// bots returns how many bot messages have arrived.
func (c *contactSocket) bots() int {
	c.botMu.Lock()
	defer c.botMu.Unlock()
	return len(c.botAt)
}

// waitBots waits up to timeout for at least n bot messages to have arrived
// and reports whether they did.
func (c *contactSocket) waitBots(ctx context.Context, n int, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for c.bots() < n {
		select {
		case <-c.botSeen:
		case <-c.exited:
			return c.bots() >= n
		case <-t.C:
			return c.bots() >= n
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// answerTimes returns when each bot message arrived, in order.
func (c *contactSocket) answerTimes() []time.Time {
	c.botMu.Lock()
	defer c.botMu.Unlock()
	return slices.Clone(c.botAt)
}

// close closes the socket with a normal closure and waits for the reading
// goroutine to return.
func (c *contactSocket) close() {
	c.conn.Close(websocket.StatusNormalClosure, "bench done")
	<-c.exited
}

// closeNow closes the socket without a close handshake and waits for the
// reading goroutine to return.
func (c *contactSocket) closeNow() {
	c.conn.CloseNow()
	<-c.exited
}
