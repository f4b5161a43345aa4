package webchat_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
)

type queuePlace struct {
	Type         string `json:"type"`
	Position     int    `json:"position"`
	ETASeconds   int    `json:"eta_seconds"`
	ETAKnown     bool   `json:"eta_known"`
	AgentsOnline int    `json:"agents_online"`
	Assignee     *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"assignee"`
}

// A waiting visitor's socket hears their place move 3 → 2 → 1 as the one
// agent (capacity 1) resolves the conversations ahead, then who has theirs;
// GET …/queue answers the same.
func TestQueuePositionsReachTheVisitor(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		type conv struct{ id, tok string }
		var cs []conv
		for i := 0; i < 4; i++ {
			id, tok := s.StartConversation(t)
			s.Send(t, id, tok, "q", fmt.Sprintf("question %d", i))
			cs = append(cs, conv{id, tok})
			waitPlace(t, s, id, tok, func(p queuePlace) bool { return p.Position == i+1 })
		}
		me := cs[3]
		var p queuePlace
		s.JSON(t, "GET", "/api/v1/widget/conversations/"+me.id+"/queue", me.tok, nil, http.StatusOK, &p)
		if p.Position != 4 || p.AgentsOnline != 0 || p.ETAKnown || p.Assignee != nil {
			t.Fatalf("place %+v; want position 4, nobody online, no estimate", p)
		}
		frames := pump(t, s.DialWS(t, "/ws/contact?conversation="+me.id, me.tok))
		s.JSON(t, "PATCH", "/api/v1/agents/"+s.AdminID, s.AdminToken, map[string]any{"capacity": 1}, http.StatusOK, nil)
		s.JSON(t, "PUT", "/api/v1/me/presence", s.AdminToken, map[string]any{"status": "online"}, http.StatusOK, nil)
		var seen []int
		last := 4
		for i, want := range []int{3, 2, 1} {
			f := awaitQueue(t, frames, last, fmt.Sprintf("position %d", want), func(p queuePlace) bool { return p.Position == want })
			seen, last = append(seen, f.Position), f.Position
			if f.AgentsOnline != 1 {
				t.Fatalf("frame %+v; want one agent online", f)
			}
			// The agent has the conversation ahead; resolving it frees them.
			ahead := cs[i]
			waitAssigned(t, s, ahead.id, s.AdminID)
			s.JSON(t, "PATCH", "/api/v1/conversations/"+ahead.id, s.AdminToken, map[string]any{"status": "resolved"}, http.StatusOK, nil)
		}
		f := awaitQueue(t, frames, last, "assigned", func(p queuePlace) bool { return p.Assignee != nil })
		if f.Position != 0 || f.Assignee.ID != s.AdminID || f.Assignee.Name == "" {
			t.Fatalf("assigned frame %+v; want position 0 with the admin's name", f)
		}
		seen = append(seen, f.Position)
		t.Logf("positions seen: %v", seen)
		s.JSON(t, "GET", "/api/v1/widget/conversations/"+me.id+"/queue", me.tok, nil, http.StatusOK, &p)
		if p.Position != 0 || p.Assignee == nil || p.Assignee.ID != s.AdminID {
			t.Fatalf("place after assignment %+v; want position 0 with the admin", p)
		}
		var c struct {
			AssigneeID string `json:"assignee_id"`
		}
		s.JSON(t, "GET", "/api/v1/conversations/"+me.id, s.AdminToken, nil, http.StatusOK, &c)
		if c.AssigneeID != s.AdminID {
			t.Fatalf("assignee_id %q; want %s", c.AssigneeID, s.AdminID)
		}
		// Another visitor cannot read this place.
		if status, _ := s.Do(t, "GET", "/api/v1/widget/conversations/"+me.id+"/queue", cs[0].tok, nil); status != http.StatusNotFound && status != http.StatusForbidden {
			t.Fatalf("another contact's token: %d; want 404 or 403", status)
		}
	})
}

func waitPlace(t *testing.T, s *apptest.Server, id, tok string, ok func(queuePlace) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var p queuePlace
		s.JSON(t, "GET", "/api/v1/widget/conversations/"+id+"/queue", tok, nil, http.StatusOK, &p)
		if ok(p) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("place of %s is %+v after 15 s", id, p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitAssigned(t *testing.T, s *apptest.Server, id, agent string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var c struct {
			AssigneeID string `json:"assignee_id"`
		}
		s.JSON(t, "GET", "/api/v1/conversations/"+id, s.AdminToken, nil, http.StatusOK, &c)
		if c.AssigneeID == agent {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s assigned to %q after 15 s; want %s", id, c.AssigneeID, agent)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// awaitQueue waits for a queue frame matching ok; queue frames before it
// may only move the visitor forward.
func awaitQueue(t *testing.T, p *wsPump, after int, what string, ok func(queuePlace) bool) queuePlace {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case b, open := <-p.C:
			if !open {
				t.Fatalf("socket closed waiting for %s: %v", what, p.err)
			}
			var f queuePlace
			if json.Unmarshal(b, &f) != nil || f.Type != "queue" {
				continue
			}
			if f.Position > after {
				t.Fatalf("queue frame %+v moved the visitor back from position %d", f, after)
			}
			after = f.Position
			if ok(f) {
				return f
			}
		case <-deadline:
			t.Fatalf("no queue frame with %s within 15 s", what)
		}
	}
}
