package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/realtime"
)

var noModTime time.Time

const (
	wsWriteTimeout = 10 * time.Second
	wsPingEvery    = 30 * time.Second
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

func (s *Server) accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	// Origins are not restricted here: the widget runs on the wallet
	// operator's pages and authorises with a contact token. The one stream
	// that takes a cookie (/ws/agent for the console) has its Origin checked
	// by the guard before it gets here (see cookieAgent).
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(16 << 10)
	return c, nil
}

func writeFrame(ctx context.Context, c *websocket.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
	defer cancel()
	return c.Write(wctx, websocket.MessageText, b)
}

// wsContact streams one conversation's messages to its contact: first every
// message after the client's last sequence, read from the database, then
// live ones, so a reconnecting client gets no gap and no duplicate.
func (s *Server) wsContact(w http.ResponseWriter, r *http.Request) {
	after, err := afterParam(r, "after")
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
	conn, err := s.accept(w, r)
	if err != nil {
		return
	}
	if !s.streams.enter() {
		conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
		return
	}
	defer s.streams.leave()
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
		return writeFrame(ctx, conn, wsMessageFrame{Type: "message", Message: m.ForContact()})
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
	s.stream(ctx, conn, sub, nil, func(e bus.Event) error {
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

// stream forwards hub events until the client leaves, falls behind, or the
// server shuts down, pinging now and then to keep proxies from timing out.
// With a watch (agent sockets) it also ends when the agent's access does:
// every frame waits for a re-check once a change is signalled, and the
// credential is re-checked with every ping and when it expires.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn, sub *realtime.Sub, watch *agentWatch, handle func(bus.Event) error) {
	every := wsPingEvery
	if watch != nil {
		every = agentRecheckEvery
	}
	ping := time.NewTicker(every)
	defer ping.Stop()
	wake, expiry := watch.signals()
	for {
		select {
		case <-wake:
			if watch.allow(ctx, conn, true) != nil {
				return
			}
		case <-expiry:
			if watch.allow(ctx, conn, true) != nil {
				return
			}
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-s.shutdown:
			conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
			return
		case <-sub.Dropped:
			conn.Close(websocket.StatusTryAgainLater, "too slow; reconnect with your last seq")
			return
		case <-ping.C:
			if watch.allow(ctx, conn, true) != nil {
				return
			}
			pctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				conn.CloseNow()
				return
			}
		case f := <-sub.Frames:
			if watch.allow(ctx, conn, false) != nil {
				return
			}
			wctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
			err := conn.Write(wctx, websocket.MessageText, f)
			cancel()
			if err != nil {
				conn.CloseNow()
				return
			}
		case e := <-sub.C:
			if watch.allow(ctx, conn, false) != nil {
				return
			}
			if err := handle(e); err != nil {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, errStreamEnded) {
					s.log.Debug("websocket write failed", "err", err)
				}
				conn.CloseNow()
				return
			}
		}
	}
}

// wsAgent streams every outbox event to an agent's console. With
// ?after=EVENT_ID it first replays the events the console missed.
func (s *Server) wsAgent(w http.ResponseWriter, r *http.Request) {
	after, err := afterParam(r, "after")
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
	conn, err := s.accept(w, r)
	if err != nil {
		return
	}
	if !s.streams.enter() {
		conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
		return
	}
	defer s.streams.leave()
	ctx := conn.CloseRead(r.Context())
	send := func(e bus.Event) error {
		if e.ID <= last {
			return nil
		}
		if err := watch.allow(ctx, conn, false); err != nil {
			return err
		}
		last = e.ID
		return writeFrame(ctx, conn, wsEventFrame{Type: "event", Event: e})
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
		if !errors.Is(err, errStreamEnded) {
			conn.Close(websocket.StatusInternalError, "could not read events; reconnect")
		}
		return
	}
	s.stream(ctx, conn, sub, watch, send)
}
