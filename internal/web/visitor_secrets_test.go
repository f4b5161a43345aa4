package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
)

// errorMessage returns the JSON error's message.
func errorMessage(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e.Error.Message
}

// Finding 3: every route by which an agent sends text to a contact refuses
// text that asks for a secret, with the same code, audited, writing nothing.
func TestAgentSendRoutesRefuseAskingForSecret(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		png := apptest.PNG(t)
		routes := []struct {
			name string
			send func(body, cid string) (int, []byte)
		}{
			{"message", func(body, cid string) (int, []byte) {
				return s.Do(t, "POST", "/api/v1/conversations/"+conv+"/messages", s.AdminToken,
					map[string]any{"body": body, "client_message_id": cid})
			}},
			{"upload", func(body, cid string) (int, []byte) {
				return s.Upload(t, "/api/v1/conversations/"+conv+"/attachments", s.AdminToken, "steps.png", png,
					map[string]string{"body": body, "client_message_id": cid})
			}},
		}
		asks := []string{"Please send me your seed phrase so we can restore the wallet",
			"请把您的助记词发给我，我们帮您恢复钱包"}
		before := s.Snapshot(t, conv)
		attempts := 0
		for _, rt := range routes {
			for i, body := range asks {
				status, b := rt.send(body, rt.name+"-"+string(rune('a'+i)))
				attempts++
				if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "asks_for_secret" {
					t.Fatalf("%s %q: %d %s, want 400 asks_for_secret", rt.name, body, status, b)
				}
				msg := errorMessage(t, b)
				if !strings.Contains(msg, "transaction hash") || !strings.Contains(msg, "助记词") {
					t.Fatalf("%s: message not in both languages: %s", rt.name, msg)
				}
			}
		}
		s.AssertNothingWritten(t, before, conv)
		if msgs := widgetMessages(t, s, conv, tok, 0); len(msgs) != 0 {
			t.Fatalf("the contact was sent %+v", msgs)
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ?",
			"blocked: asks_for_secret", conv); n != attempts {
			t.Fatalf("%d audited attempts, want %d", n, attempts)
		}
		// The same text passes as an internal note (agents may discuss a
		// scam), and a warning passes on every route.
		s.Reply(t, conv, asks[0], true)
		for _, rt := range routes {
			if status, b := rt.send("We will never ask for your seed phrase. 官方客服绝不会索要助记词。", rt.name+"-ok"); status != http.StatusCreated {
				t.Fatalf("%s warning: %d %s", rt.name, status, b)
			}
		}
	})
}

// Finding 7: tags and client ids with control characters are refused;
// contact, team and inbox names have them stripped.
func TestControlCharactersInNamesTagsAndIDs(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		before := s.Snapshot(t, conv)
		for _, tags := range [][]string{{"vip\x00"}, {"a\nb"}, {"ok", "\x1b[31mred"}, {"x\u202ey"}} {
			status, b := s.Do(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]any{"tags": tags})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("tags %q: %d %s", tags, status, b)
			}
		}
		for _, cid := range []string{"m\x00", "m\r\n1", "m\t2", "m 3", "m\u00a04"} {
			status, b := s.Do(t, "POST", "/api/v1/widget/conversations/"+conv+"/messages", tok,
				map[string]string{"client_message_id": cid, "body": "hi"})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("client id %q: %d %s", cid, status, b)
			}
			status, b = s.Do(t, "POST", "/api/v1/conversations/"+conv+"/messages", s.AdminToken,
				map[string]string{"client_message_id": cid, "body": "hi"})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("agent client id %q: %d %s", cid, status, b)
			}
		}
		s.AssertNothingWritten(t, before, conv)

		st := s.StartConversationWith(t, map[string]string{"name": "Ali\x00ce\u202e \x07Wang\n"})
		c, err := s.App.Convs.Contact(context.Background(), st.ContactID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Alice Wang" {
			t.Fatalf("contact name stored as %q", c.Name)
		}
		var team struct {
			Name string `json:"name"`
		}
		s.JSON(t, "POST", "/api/v1/teams", s.AdminToken, map[string]string{"name": "Ops\x00\u2066 team\r"}, http.StatusCreated, &team)
		if team.Name != "Ops team" {
			t.Fatalf("team name stored as %q", team.Name)
		}
		var inbox struct {
			Inbox struct {
				Name string `json:"name"`
			} `json:"inbox"`
		}
		s.JSON(t, "POST", "/api/v1/inboxes", s.AdminToken, map[string]string{"name": "\x1bApp\x00 chat"}, http.StatusCreated, &inbox)
		if inbox.Inbox.Name != "App chat" {
			t.Fatalf("inbox name stored as %q", inbox.Inbox.Name)
		}
		var agent struct {
			Agent struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"agent"`
		}
		s.JSON(t, "POST", "/api/v1/agents", s.AdminToken, map[string]string{"email": "ctl@example.com", "name": "Bob\u202e\x00 Li\n"},
			http.StatusCreated, &agent)
		if agent.Agent.Name != "Bob Li" {
			t.Fatalf("agent name stored as %q", agent.Agent.Name)
		}
		var patched struct {
			Name string `json:"name"`
		}
		s.JSON(t, "PATCH", "/api/v1/agents/"+agent.Agent.ID, s.AdminToken, map[string]string{"name": "\x1bSupport\u2066 Bob"},
			http.StatusOK, &patched)
		if patched.Name != "Support Bob" {
			t.Fatalf("renamed agent stored as %q", patched.Name)
		}
		for _, q := range []string{"SELECT COUNT(*) FROM contacts WHERE name LIKE ?", "SELECT COUNT(*) FROM teams WHERE name LIKE ?",
			"SELECT COUNT(*) FROM inboxes WHERE name LIKE ?", "SELECT COUNT(*) FROM agents WHERE name LIKE ?"} {
			for _, c := range []string{"\x07", "\x1b", "\u202e", "\u2066", "\n", "\r"} {
				if n := s.Count(t, q, "%"+c+"%"); n != 0 {
					t.Fatalf("%s %q: %d rows", q, c, n)
				}
			}
		}
	})
}

// Finding 7: a conversation cannot be given to a deactivated agent.
func TestAssignToDeactivatedAgentRefused(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, _ := s.StartConversation(t)
		var created struct {
			Agent struct {
				ID string `json:"id"`
			} `json:"agent"`
		}
		s.JSON(t, "POST", "/api/v1/agents", s.AdminToken, map[string]string{"email": "gone@example.com", "name": "Gone"},
			http.StatusCreated, &created)
		id := created.Agent.ID
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"assignee_id": id}, http.StatusOK, nil)
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"assignee_id": ""}, http.StatusOK, nil)
		s.JSON(t, "PATCH", "/api/v1/agents/"+id, s.AdminToken, map[string]any{"active": false}, http.StatusOK, nil)

		before := s.Snapshot(t, conv)
		status, b := s.Do(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"assignee_id": id})
		if status != http.StatusConflict || apptest.ErrorCode(t, b) != "conflict" {
			t.Fatalf("assign to a deactivated agent: %d %s", status, b)
		}
		if msg := errorMessage(t, b); !strings.Contains(msg, "deactivated") || !strings.Contains(msg, "停用") {
			t.Fatalf("message %q", msg)
		}
		s.AssertNothingWritten(t, before, conv)
		// An active agent still can be assigned.
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"assignee_id": "me"}, http.StatusOK, nil)
	})
}
