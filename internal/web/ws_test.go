package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bus"
)

type frame struct {
	Type    string    `json:"type"`
	Message message   `json:"message"`
	Event   bus.Event `json:"event"`
}

// read returns the next frame, failing the test if none comes within 10 s.
func read(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("frame of type %v, want text", typ)
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode frame %s: %v", b, err)
	}
	return f
}

// expectMessages reads len(want) frames and checks they are exactly the
// messages with these sequence numbers, in this order.
func expectMessages(t *testing.T, c *websocket.Conn, convID string, want ...int64) []message {
	t.Helper()
	var got []message
	for _, seq := range want {
		f := read(t, c)
		if f.Type != "message" || f.Message.ConversationID != convID || f.Message.Seq != seq {
			t.Fatalf("frame %+v, want message seq %d of %s (so far %v)", f, seq, convID, seqs(got))
		}
		if f.Message.Direction == "note" {
			t.Fatalf("a private note reached the contact: %+v", f.Message)
		}
		got = append(got, f.Message)
	}
	return got
}

func TestStreamsRefuseBadCredentialsBeforeUpgrading(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		_, otherTok := s.StartConversation(t)
		for _, tc := range []struct {
			name, path, token string
			status            int
		}{
			{"another contact's conversation", "/ws/contact?conversation=" + conv, otherTok, 404},
			{"unknown conversation", "/ws/contact?conversation=cv_nope", tok, 404},
			{"garbled contact token", "/ws/contact?conversation=" + conv, "ct.x.y", 401},
			{"bad after", "/ws/contact?conversation=" + conv + "&after=x", tok, 400},
			{"agent stream without token", "/ws/agent", "", 401},
			{"agent stream with contact token", "/ws/agent", tok, 403}, // a contact is below every agent role
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				opts := &websocket.DialOptions{}
				if tc.token != "" {
					opts.HTTPHeader = http.Header{"Authorization": {"Bearer " + tc.token}}
				}
				c, resp, err := websocket.Dial(ctx, s.WSURL(tc.path), opts)
				if err == nil {
					c.CloseNow()
					t.Fatal("upgraded, want a refusal")
				}
				if resp == nil || resp.StatusCode != tc.status {
					t.Fatalf("response %v (%v), want HTTP %d", resp, err, tc.status)
				}
			})
		}
	})
}

func TestAgentStreamReceivesEvents(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		last, err := bus.LastEventID(context.Background(), s.App.DB)
		if err != nil {
			t.Fatal(err)
		}
		// after= makes the test independent of when the stream subscribes:
		// anything newer is replayed from the outbox or arrives live.
		c := s.DialWS(t, fmt.Sprintf("/ws/agent?after=%d", last), s.AdminToken)
		s.Send(t, conv, tok, "m1", "hello agents")

		ev := nextEvent(t, c, bus.MessageCreated)
		var payload struct {
			Message message `json:"message"`
			InboxID string  `json:"inbox_id"`
		}
		if err := json.Unmarshal(ev.Payload, &payload); err != nil {
			t.Fatalf("payload %s: %v", ev.Payload, err)
		}
		if ev.ConversationID != conv || ev.Seq != 1 || ev.ID <= last || payload.Message.Body != "hello agents" ||
			payload.Message.Seq != 1 || payload.InboxID == "" {
			t.Fatalf("event %+v payload %+v", ev, payload)
		}

		// Live events keep coming: a note (agents see notes) and a status
		// change.
		s.Reply(t, conv, "note for the team", true)
		ev = nextEvent(t, c, bus.MessageCreated)
		if err := json.Unmarshal(ev.Payload, &payload); err != nil || payload.Message.Direction != "note" || ev.Seq != 2 {
			t.Fatalf("note event %+v (%v)", ev, err)
		}
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"status": "resolved"}, http.StatusOK, nil)
		ev = nextEvent(t, c, bus.ConversationUpdated)
		var cv convJSON
		if err := json.Unmarshal(ev.Payload, &cv); err != nil || cv.ID != conv || cv.Status != "resolved" {
			t.Fatalf("conversation.updated event %+v (%v)", ev, err)
		}
	})
}

// nextEvent reads event frames until one of the given type arrives; event
// ids must increase along the way.
func nextEvent(t *testing.T, c *websocket.Conn, typ string) bus.Event {
	t.Helper()
	var prev int64
	for {
		f := read(t, c)
		if f.Type != "event" {
			t.Fatalf("frame type %q, want event", f.Type)
		}
		if f.Event.ID <= prev {
			t.Fatalf("event id %d after %d", f.Event.ID, prev)
		}
		prev = f.Event.ID
		if f.Event.Type == typ {
			return f.Event
		}
	}
}
