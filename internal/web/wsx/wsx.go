// Package wsx is the WebSocket plumbing the agent and contact streams
// share: accepting a socket, writing a JSON frame, the loop that forwards
// hub events with pings until the client leaves or the server stops, and
// the count of running streams that shutdown waits for.
package wsx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/realtime"
)

const (
	// WriteTimeout bounds one frame's write (and a ping's answer).
	WriteTimeout = 10 * time.Second
	// PingEvery is how often an idle stream pings, to keep proxies from
	// timing it out.
	PingEvery = 30 * time.Second
)

// ErrEnded tells a stream loop that the socket was closed already (its
// access ended), so there is nothing to log.
var ErrEnded = errors.New("stream closed: access ended")

// Accept upgrades the request to a WebSocket.
func Accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	// Origins are not restricted here: the widget runs on the wallet
	// operator's pages and authorises with a contact token. The one stream
	// that takes a cookie (/ws/agent for the console) has its Origin checked
	// by the guard before it gets here (see cookieAgent in internal/web).
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(16 << 10)
	return c, nil
}

// WriteFrame writes v as one JSON text frame.
func WriteFrame(ctx context.Context, c *websocket.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, WriteTimeout)
	defer cancel()
	return c.Write(wctx, websocket.MessageText, b)
}

// Watch holds a stream to the credential that opened it (agent sockets).
type Watch interface {
	// Signals are the channels the loop selects on: a wake-up when the
	// access changed, and the credential's expiry.
	Signals() (wake <-chan struct{}, expiry <-chan time.Time)
	// Allow is called before each frame and on each wake-up, expiry and
	// ping (force); after closing the socket it returns ErrEnded.
	Allow(ctx context.Context, conn *websocket.Conn, force bool) error
}

// Loop is one stream's connection and what ends it.
type Loop struct {
	Conn *websocket.Conn
	Sub  *realtime.Sub
	// Shutdown is closed when the server begins to stop.
	Shutdown <-chan struct{}
	// Watch, when set, ends the stream when the agent's access does.
	Watch Watch
	// PingEvery is the ping interval (PingEvery when 0).
	PingEvery time.Duration
	Log       *slog.Logger
}

// noWatch allows everything and never signals (the contact stream).
type noWatch struct{}

func (noWatch) Signals() (<-chan struct{}, <-chan time.Time)       { return nil, nil }
func (noWatch) Allow(context.Context, *websocket.Conn, bool) error { return nil }

// Stream forwards hub events until the client leaves, falls behind, or the
// server shuts down, pinging now and then to keep proxies from timing out.
// With a Watch it also ends when the agent's access does: every frame waits
// for a re-check once a change is signalled, and the credential is
// re-checked with every ping and when it expires.
func Stream(ctx context.Context, l Loop, handle func(bus.Event) error) {
	watch := l.Watch
	if watch == nil {
		watch = noWatch{}
	}
	every := l.PingEvery
	if every <= 0 {
		every = PingEvery
	}
	conn, sub := l.Conn, l.Sub
	ping := time.NewTicker(every)
	defer ping.Stop()
	wake, expiry := watch.Signals()
	for {
		select {
		case <-wake:
			if watch.Allow(ctx, conn, true) != nil {
				return
			}
		case <-expiry:
			if watch.Allow(ctx, conn, true) != nil {
				return
			}
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-l.Shutdown:
			conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
			return
		case <-sub.Dropped:
			conn.Close(websocket.StatusTryAgainLater, "too slow; reconnect with your last seq")
			return
		case <-ping.C:
			if watch.Allow(ctx, conn, true) != nil {
				return
			}
			pctx, cancel := context.WithTimeout(ctx, WriteTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				conn.CloseNow()
				return
			}
		case f := <-sub.Frames:
			if watch.Allow(ctx, conn, false) != nil {
				return
			}
			wctx, cancel := context.WithTimeout(ctx, WriteTimeout)
			err := conn.Write(wctx, websocket.MessageText, f)
			cancel()
			if err != nil {
				conn.CloseNow()
				return
			}
		case e := <-sub.C:
			if watch.Allow(ctx, conn, false) != nil {
				return
			}
			if err := handle(e); err != nil {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, ErrEnded) && l.Log != nil {
					l.Log.Debug("websocket write failed", "err", err)
				}
				conn.CloseNow()
				return
			}
		}
	}
}
