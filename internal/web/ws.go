package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/web/httpx"
	"github.com/huiying/huiying/internal/web/wsx"
)

type wsMessageFrame struct {
	Type    string                      `json:"type"`
	Message conversation.ContactMessage `json:"message"`
}

type wsEventFrame struct {
	Type  string    `json:"type"`
	Event bus.Event `json:"event"`
}

type wsAuthFrame struct {
	Type  string `json:"type"`
	Token string `json:"token"`
}

// wsContact streams one conversation's messages to its contact: first every
// message after the client's last sequence, read from the database, then
// live ones, so a reconnecting client gets no gap and no duplicate.
func (s *Server) wsContact(w http.ResponseWriter, r *http.Request) {
	after, err := httpx.SeqParam(r, "after")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	convID := r.URL.Query().Get("conversation")
	contactID := contactFrom(r)
	// Every socket counts against its address, authenticated or not yet.
	releaseIP, err := s.takeIP(clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer releaseIP()
	if contactID != "" {
		// Check before upgrading so an HTTP client gets a JSON error.
		c, err := s.Conversations.Conversation(r.Context(), convID)
		if err != nil || c.ContactID != contactID {
			s.fail(w, r, apperr.New(apperr.NotFound, "conversation %q not found", convID))
			return
		}
		release, err := s.takeContact(contactID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer release()
	}
	conn, err := wsx.Accept(w, r)
	if err != nil {
		return
	}
	if !s.streams.Enter() {
		conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
		return
	}
	defer s.streams.Leave()
	ctx := r.Context()
	if contactID == "" {
		id, ok := s.authFrame(ctx, conn)
		if !ok {
			return
		}
		c, err := s.Conversations.Conversation(ctx, convID)
		if err != nil || c.ContactID != id {
			conn.Close(websocket.StatusPolicyViolation, "conversation not found")
			return
		}
		release, err := s.takeContact(id)
		if err != nil {
			conn.Close(websocket.StatusTryAgainLater, "too many open chat connections for this user; close other chat windows")
			return
		}
		defer release()
	}
	sub := s.Hub.Conversation(convID)
	defer s.Hub.Remove(sub)
	ctx, stopReading := context.WithCancel(ctx)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		s.readContactFrames(ctx, stopReading, conn, convID)
	}()
	defer func() { stopReading(); <-readDone }()
	last := after
	send := func(m conversation.Message) error {
		if m.Seq <= last {
			return nil
		}
		last = m.Seq
		if !m.Direction.VisibleToContact() {
			return nil
		}
		return wsx.WriteFrame(ctx, conn, wsMessageFrame{Type: "message", Message: m.ForContact()})
	}
	catchUp := func() error {
		for {
			msgs, err := s.Conversations.Messages(ctx, convID, last, 500, true)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if err := send(m); err != nil {
					return err
				}
			}
			if len(msgs) < 500 {
				return nil
			}
		}
	}
	if err := catchUp(); err != nil {
		conn.Close(websocket.StatusInternalError, "could not read messages; reconnect")
		return
	}
	wsx.Stream(ctx, wsx.Loop{Conn: conn, Sub: sub, Shutdown: s.shutdown, Log: s.log}, func(e bus.Event) error {
		if e.Type == bus.ConversationUpdated {
			return writeContactConversation(ctx, conn, e)
		}
		if e.Type == bus.MessageRedacted {
			return writeContactRedacted(ctx, conn, e)
		}
		if e.Type != bus.MessageCreated {
			return nil
		}
		if e.Seq > last+1 {
			return catchUp() // never skip: fill a gap from the database
		}
		var me conversation.MessageEvent
		if err := json.Unmarshal(e.Payload, &me); err != nil {
			return err
		}
		return send(me.Message)
	})
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
