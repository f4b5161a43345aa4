package webchat

import (
	"context"
	"encoding/json"
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

// socket streams one conversation's messages to its contact: first every
// message after the client's last sequence, read from the database, then
// live ones, so a reconnecting client gets no gap and no duplicate.
func (c *Channel) socket(w http.ResponseWriter, r *http.Request) {
	after, err := httpx.SeqParam(r, "after")
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	convID := r.URL.Query().Get("conversation")
	contactID := httpx.ContactFrom(r)
	// Every socket counts against its address, authenticated or not yet.
	releaseIP, err := c.takeIP(httpx.ClientIP(r))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	defer releaseIP()
	if contactID != "" {
		// Check before upgrading so an HTTP client gets a JSON error.
		cv, err := c.Conversations.Conversation(r.Context(), convID)
		if err != nil || cv.ContactID != contactID {
			c.Fail(w, r, apperr.New(apperr.NotFound, "conversation %q not found", convID))
			return
		}
		release, err := c.takeContact(contactID)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		defer release()
	}
	conn, err := wsx.Accept(w, r)
	if err != nil {
		return
	}
	if !c.Streams.Enter() {
		conn.Close(websocket.StatusGoingAway, "server restarting; reconnect with your last seq")
		return
	}
	defer c.Streams.Leave()
	ctx := r.Context()
	if contactID == "" {
		id, ok := c.authFrame(ctx, conn)
		if !ok {
			return
		}
		cv, err := c.Conversations.Conversation(ctx, convID)
		if err != nil || cv.ContactID != id {
			conn.Close(websocket.StatusPolicyViolation, "conversation not found")
			return
		}
		release, err := c.takeContact(id)
		if err != nil {
			conn.Close(websocket.StatusTryAgainLater, "too many open chat connections for this user; close other chat windows")
			return
		}
		defer release()
	}
	sub := c.Hub.Conversation(convID)
	defer c.Hub.Remove(sub)
	ctx, stopReading := context.WithCancel(ctx)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		c.readContactFrames(ctx, stopReading, conn, convID)
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
			msgs, err := c.Conversations.Messages(ctx, convID, last, 500, true)
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
	wsx.Stream(ctx, wsx.Loop{Conn: conn, Sub: sub, Shutdown: c.Shutdown, Log: c.Log}, func(e bus.Event) error {
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
