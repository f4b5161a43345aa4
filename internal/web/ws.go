package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/web/httpx"
	"github.com/huiying/huiying/internal/web/wsx"
)

type wsEventFrame struct {
	Type  string    `json:"type"`
	Event bus.Event `json:"event"`
}

// wsAgent streams every outbox event to an agent's console. With
// ?after=EVENT_ID it first replays the events the console missed.
func (s *Server) wsAgent(w http.ResponseWriter, r *http.Request) {
	after, err := httpx.SeqParam(r, "after")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Subscribe and fix the starting point before the handshake completes,
	// so every event committed after the client sees the connection open
	// reaches it.
	sub := s.Hub.Agents()
	defer s.Hub.Remove(sub)
	last := after
	if after == 0 {
		if last, err = bus.LastEventID(r.Context(), s.Conversations.DB()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	// Watched from before the upgrade: a change to the agent's access from
	// here on closes the socket, and none reaches it unnoticed.
	watch, unwatch, err := s.watchAgent(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer unwatch()
	conn, err := wsx.Accept(w, r)
	if err != nil {
		return
	}
	if !s.streams.Enter() {
		conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
		return
	}
	defer s.streams.Leave()
	ctx := conn.CloseRead(r.Context())
	if s.Routing != nil {
		// An open console keeps an online agent online.
		id := agentFrom(r).ID
		s.Routing.SocketOpened(ctx, id)
		defer s.Routing.SocketClosed(context.WithoutCancel(ctx), id)
	}
	send := func(e bus.Event) error {
		if e.ID <= last {
			return nil
		}
		if err := watch.Allow(ctx, conn, false); err != nil {
			return err
		}
		last = e.ID
		return wsx.WriteFrame(ctx, conn, wsEventFrame{Type: "event", Event: e})
	}
	catchUp := func() error {
		for {
			evs, err := bus.ReadEvents(ctx, s.Conversations.DB(), last, 500)
			if err != nil {
				return err
			}
			for _, e := range evs {
				if err := send(e); err != nil {
					return err
				}
			}
			if len(evs) < 500 {
				return nil
			}
		}
	}
	if err := catchUp(); err != nil {
		if !errors.Is(err, wsx.ErrEnded) {
			conn.Close(websocket.StatusInternalError, "could not read events; reconnect")
		}
		return
	}
	wsx.Stream(ctx, wsx.Loop{Conn: conn, Sub: sub, Shutdown: s.shutdown, Watch: watch, PingEvery: agentRecheckEvery, Log: s.log}, send)
}
