package web_test

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

// wsPump reads every frame of a socket into C, so a test can wait for a
// frame with a timeout (a Read whose context ends closes the socket). C is
// closed when reading fails; err then says why.
type wsPump struct {
	C   chan []byte
	err error
}

func pump(t *testing.T, c *websocket.Conn) *wsPump {
	t.Helper()
	p := &wsPump{C: make(chan []byte, 256)}
	go func() {
		defer close(p.C)
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				p.err = err
				return
			}
			p.C <- b
		}
	}()
	return p
}

// closed waits for the socket to close and returns the close status.
func (p *wsPump) closed(t *testing.T) websocket.StatusCode {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-p.C:
			if !ok {
				return websocket.CloseStatus(p.err)
			}
		case <-deadline:
			t.Fatal("the socket is still open after 10 s")
		}
	}
}

// await returns the first frame for which match is true, skipping others;
// it fails t after 10 s.
func await(t *testing.T, p *wsPump, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case b, ok := <-p.C:
			if !ok {
				t.Fatalf("socket closed while waiting for %s: %v", what, p.err)
			}
			var f map[string]any
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatalf("frame %s: %v", b, err)
			}
			if match(f) {
				return f
			}
		case <-deadline:
			t.Fatalf("no %s within 10 s", what)
		}
	}
}

// drain returns the frames that arrive within d.
func drain(p *wsPump, d time.Duration) []map[string]any {
	var out []map[string]any
	deadline := time.After(d)
	for {
		select {
		case b, ok := <-p.C:
			if !ok {
				return out
			}
			var f map[string]any
			_ = json.Unmarshal(b, &f)
			out = append(out, f)
		case <-deadline:
			return out
		}
	}
}

func isType(typ string) func(map[string]any) bool {
	return func(f map[string]any) bool { return f["type"] == typ }
}

func writeText(t *testing.T, c *websocket.Conn, s string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		t.Fatalf("write %s: %v", s, err)
	}
}

func TestTypingIndicators(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		s.Send(t, conv, tok, "m1", "hello")
		eventsBefore := s.Count(t, "SELECT COUNT(*) FROM events")

		agentWS := dial(t, s, "/ws/agent", s.AdminToken)
		agentFrames := pump(t, agentWS)
		contactWS := dial(t, s, "/ws/contact?conversation="+conv, tok)
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
		other := dial(t, s, "/ws/contact?conversation="+conv2, tok2)
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
		c := dial(t, s, "/ws/contact?conversation="+conv, tok)
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
		agentWS := dial(t, s, fmt.Sprintf("/ws/agent?after=%d", last), s.AdminToken)

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
