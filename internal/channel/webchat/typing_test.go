package webchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bus"
)

func TestTypingIndicators(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		s.Send(t, conv, tok, "m1", "hello")
		eventsBefore := s.Count(t, "SELECT COUNT(*) FROM events")

		agentWS := s.DialWS(t, "/ws/agent", s.AdminToken)
		agentFrames := pump(t, agentWS)
		contactWS := s.DialWS(t, "/ws/contact?conversation="+conv, tok)
		contactFrames := pump(t, contactWS)
		// The backlog arrives after the stream subscribed to the hub.
		await(t, contactFrames, "the backlog", isType("message"))

		// Contact → agents: at most one frame per second per connection.
		for range 5 {
			writeText(t, contactWS, `{"type":"typing"}`)
		}
		got := await(t, agentFrames, "a contact typing frame", isType("typing"))
		if want := map[string]any{"type": "typing", "conversation_id": conv, "from": "contact"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("agent got %v, want %v", got, want)
		}
		// A ping is answered after the frames before it were handled, so
		// every frame the server passed on is queued by now.
		pctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := contactWS.Ping(pctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		if more := drain(agentFrames, 300*time.Millisecond); len(more) != 0 {
			t.Fatalf("typing was not limited to one frame a second: also got %v", more)
		}
		time.Sleep(time.Second)
		writeText(t, contactWS, `{"type":"typing"}`)
		await(t, agentFrames, "a typing frame a second later", isType("typing"))

		// Agent → contact, with the agent's name.
		if status, body := s.Do(t, "POST", "/api/v1/conversations/"+conv+"/typing", s.AdminToken, nil); status != http.StatusNoContent {
			t.Fatalf("agent typing: %d %s", status, body)
		}
		got = await(t, contactFrames, "an agent typing frame", isType("typing"))
		if want := map[string]any{"type": "typing", "from": "agent", "name": "Admin"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("contact got %v, want %v", got, want)
		}
		// Only that conversation's contact hears it.
		conv2, tok2 := s.StartConversation(t)
		other := s.DialWS(t, "/ws/contact?conversation="+conv2, tok2)
		otherFrames := pump(t, other)
		s.Send(t, conv2, tok2, "o1", "hi")
		await(t, otherFrames, "the other contact's message", isType("message"))
		s.JSON(t, "POST", "/api/v1/conversations/"+conv+"/typing", s.AdminToken, nil, http.StatusNoContent, nil)
		await(t, contactFrames, "a second agent typing frame", isType("typing"))
		if f := drain(otherFrames, 300*time.Millisecond); len(f) != 0 {
			t.Fatalf("another conversation's contact got %v", f)
		}
		if status, body := s.Do(t, "POST", "/api/v1/conversations/cv_nope/typing", s.AdminToken, nil); status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
			t.Fatalf("typing in an unknown conversation: %d %s", status, body)
		}

		// Typing is never stored.
		if n := s.Count(t, "SELECT COUNT(*) FROM events"); n != eventsBefore+2 { // conv2: created + its message
			t.Fatalf("events %d → %d; typing must not write events", eventsBefore, n)
		}

		// Any other frame from the contact closes the socket with 1008.
		writeText(t, contactWS, `{"type":"message","body":"over the socket"}`)
		if st := contactFrames.closed(t); st != websocket.StatusPolicyViolation {
			t.Fatalf("after a bad frame: closed with %v (%v), want 1008", st, contactFrames.err)
		}
	})
}

func TestContactHearsStatusChanges(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		s.Send(t, conv, tok, "m1", "hello")
		c := s.DialWS(t, "/ws/contact?conversation="+conv, tok)
		frames := pump(t, c)
		await(t, frames, "the backlog", isType("message"))

		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]any{
			"status": "resolved", "priority": "urgent", "tags": []string{"vip"}, "attributes": map[string]string{"risk": "high"},
			"assignee_id": "me",
		}, http.StatusOK, nil)
		got := await(t, frames, "a conversation frame", isType("conversation"))
		want := map[string]any{"type": "conversation", "conversation": map[string]any{"id": conv, "status": "resolved"}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("contact got %v, want only id and status: %v", got, want)
		}
		// A contact message reopens it; messages still flow in order.
		s.Send(t, conv, tok, "m2", "still there?")
		f := await(t, frames, "the next message", isType("message"))
		if m := f["message"].(map[string]any); m["seq"] != float64(2) {
			t.Fatalf("message frame %v", f)
		}
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"status": "pending"}, http.StatusOK, nil)
		got = await(t, frames, "a second conversation frame", isType("conversation"))
		if got["conversation"].(map[string]any)["status"] != "pending" {
			t.Fatalf("second frame %v", got)
		}
	})
}

func TestAuthorName(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		last, err := bus.LastEventID(context.Background(), s.App.DB)
		if err != nil {
			t.Fatal(err)
		}
		agentWS := s.DialWS(t, fmt.Sprintf("/ws/agent?after=%d", last), s.AdminToken)

		s.Send(t, conv, tok, "m1", "hello")
		s.JSON(t, "POST", "/api/v1/conversations/"+conv+"/messages", mei.Token, map[string]any{"body": "hi, Mei here"}, http.StatusCreated, nil)
		s.JSON(t, "POST", "/api/v1/conversations/"+conv+"/messages", mei.Token, map[string]any{"body": "note", "private": true}, http.StatusCreated, nil)

		// In the message.created events…
		want := []string{"", "Mei", "Mei"}
		for i, w := range want {
			ev := nextEvent(t, agentWS, bus.MessageCreated)
			var p struct {
				Message map[string]any `json:"message"`
			}
			if err := json.Unmarshal(ev.Payload, &p); err != nil {
				t.Fatal(err)
			}
			if name, ok := p.Message["author_name"]; !ok || name != w {
				t.Errorf("event %d: author_name %v (present %v), want %q", i+1, name, ok, w)
			}
		}
		// …on the agent's reads (notes included)…
		var raw struct {
			Messages []map[string]any `json:"messages"`
		}
		s.JSON(t, "GET", "/api/v1/conversations/"+conv+"/messages", mei.Token, nil, http.StatusOK, &raw)
		if len(raw.Messages) != 3 {
			t.Fatalf("%d messages", len(raw.Messages))
		}
		for i, w := range want {
			if name, ok := raw.Messages[i]["author_name"]; !ok || name != w {
				t.Errorf("agent read %d: author_name %v (present %v), want %q", i+1, name, ok, w)
			}
		}
		// …and the contact's (who sees the reply, not the note).
		raw.Messages = nil
		s.JSON(t, "GET", "/api/v1/widget/conversations/"+conv+"/messages", tok, nil, http.StatusOK, &raw)
		if len(raw.Messages) != 2 || raw.Messages[0]["author_name"] != "" || raw.Messages[1]["author_name"] != "Mei" {
			t.Fatalf("contact read %v", raw.Messages)
		}
		// The name is not stored: reads show the agent's current name.
		s.JSON(t, "PATCH", "/api/v1/agents/"+mei.ID, s.AdminToken, map[string]string{"name": "Mei Lin"}, http.StatusOK, nil)
		for _, m := range agentMessages(t, s, conv)[1:] {
			if m.AuthorName != "Mei Lin" {
				t.Errorf("after renaming: seq %d author_name %q", m.Seq, m.AuthorName)
			}
		}
	})
}
