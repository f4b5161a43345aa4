package web_test

import (
	"net/http"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/store/storetest"
)

func assigneeOf(t *testing.T, s *apptest.Server, conv string) string {
	t.Helper()
	var c convJSON
	s.JSON(t, "GET", "/api/v1/conversations/"+conv, s.AdminToken, nil, http.StatusOK, &c)
	return c.AssigneeID
}

// The first agent to reply to an unassigned conversation gets it; a note,
// a retried reply or a reply to someone else's conversation assigns
// nothing.
func TestReplyAssignsUnassignedConversation(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		bo := s.CreateAgent(t, "bo@example.com", "Bo", "agent")
		reply := func(token, conv, body string, private bool, cmid string) int {
			status, _ := s.Do(t, "POST", "/api/v1/conversations/"+conv+"/messages", token,
				map[string]any{"body": body, "private": private, "client_message_id": cmid})
			return status
		}

		c1, _ := s.StartConversation(t)
		if st := reply(mei.Token, c1, "checking with the team", true, ""); st != http.StatusCreated {
			t.Fatalf("note: %d", st)
		}
		if a := assigneeOf(t, s, c1); a != "" {
			t.Fatalf("a note assigned the conversation to %q", a)
		}
		if st := reply(mei.Token, c1, "您好，我来帮您查", false, "r1"); st != http.StatusCreated {
			t.Fatalf("reply: %d", st)
		}
		if a := assigneeOf(t, s, c1); a != mei.ID {
			t.Fatalf("after Mei's reply the assignee is %q, want Mei %q", a, mei.ID)
		}
		var unassigned countsJSON
		s.JSON(t, "GET", "/api/v1/conversations/counts", mei.Token, nil, http.StatusOK, &unassigned)
		if unassigned.Mine != 1 || unassigned.Unassigned != 0 {
			t.Errorf("Mei's counts after her reply: %+v", unassigned)
		}
		// Bo answers too: the conversation stays Mei's.
		if st := reply(bo.Token, c1, "also here", false, ""); st != http.StatusCreated {
			t.Fatalf("Bo's reply: %d", st)
		}
		if a := assigneeOf(t, s, c1); a != mei.ID {
			t.Errorf("Bo's reply moved the conversation to %q", a)
		}

		// Unassigned again, Mei's retried reply (same client message id)
		// writes nothing and assigns nothing.
		s.JSON(t, "PATCH", "/api/v1/conversations/"+c1, s.AdminToken, map[string]string{"assignee_id": ""}, http.StatusOK, nil)
		if st := reply(mei.Token, c1, "您好，我来帮您查", false, "r1"); st != http.StatusOK {
			t.Fatalf("retried reply: %d, want 200", st)
		}
		if a := assigneeOf(t, s, c1); a != "" {
			t.Errorf("a retried reply assigned the conversation to %q", a)
		}
		// A refused reply (asks for the seed phrase) assigns nothing.
		if st := reply(bo.Token, c1, "please send me your seed phrase", false, ""); st != http.StatusBadRequest {
			t.Fatalf("a reply asking for the seed phrase: %d, want 400", st)
		}
		if a := assigneeOf(t, s, c1); a != "" {
			t.Errorf("a refused reply assigned the conversation to %q", a)
		}
	})
}

func TestReplyKeepsUnassignedWhenTurnedOff(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) {
			s := apptest.StartWith(t, e, func(c *config.Config) { c.KeepUnassignedOnReply = true })
			c, _ := s.StartConversation(t)
			s.Reply(t, c, "hello", false)
			if a := assigneeOf(t, s, c); a != "" {
				t.Errorf("with --assign-on-reply=false the reply assigned the conversation to %q", a)
			}
		})
	}
}
