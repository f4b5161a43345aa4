package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bus"
)

type countsJSON struct {
	Mine       int `json:"mine"`
	Unassigned int `json:"unassigned"`
	All        int `json:"all"`
}

func TestConversationListFields(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ann := s.StartConversationWith(t, map[string]string{"name": "Ann", "email": "ann@example.com"})
		anon := s.StartConversationWith(t, map[string]string{})
		bo := s.StartConversationWith(t, map[string]string{"name": "Bo"})

		long := strings.Repeat("é", 130) + strings.Repeat("x", 30) // 160 characters
		s.Send(t, ann.ConversationID, ann.ContactToken, "a1", "first")
		s.Send(t, ann.ConversationID, ann.ContactToken, "a2", long)
		s.Send(t, bo.ConversationID, bo.ContactToken, "b1", "hello")
		s.Reply(t, bo.ConversationID, "internal: check KYC", true) // a note is the last message for agents

		var raw struct {
			Conversations []map[string]json.RawMessage `json:"conversations"`
			Total         int                          `json:"total"`
		}
		s.JSON(t, "GET", "/api/v1/conversations", s.AdminToken, nil, http.StatusOK, &raw)
		if raw.Total != 3 || len(raw.Conversations) != 3 {
			t.Fatalf("list total %d, %d items", raw.Total, len(raw.Conversations))
		}
		type item struct {
			ID           string  `json:"id"`
			ContactName  *string `json:"contact_name"`
			ContactEmail *string `json:"contact_email"`
			LastMessage  *struct {
				Body      string `json:"body"`
				Direction string `json:"direction"`
				CreatedAt string `json:"created_at"`
			} `json:"last_message"`
		}
		items := map[string]item{}
		for _, c := range raw.Conversations {
			var it item
			b, _ := json.Marshal(c)
			if err := json.Unmarshal(b, &it); err != nil {
				t.Fatal(err)
			}
			if it.ContactName == nil || it.ContactEmail == nil {
				t.Errorf("%s: contact_name or contact_email missing: %s", it.ID, b)
			}
			if _, ok := c["status"]; !ok {
				t.Errorf("%s: the conversation's own fields are missing: %s", it.ID, b)
			}
			items[it.ID] = it
		}

		a := items[ann.ConversationID]
		if *a.ContactName != "Ann" || *a.ContactEmail != "ann@example.com" || a.LastMessage == nil ||
			a.LastMessage.Body != string([]rune(long)[:140]) || a.LastMessage.Direction != "inbound" || a.LastMessage.CreatedAt == "" {
			t.Errorf("Ann's item: %+v %+v", a, a.LastMessage)
		}
		b := items[bo.ConversationID]
		if *b.ContactName != "Bo" || *b.ContactEmail != "" || b.LastMessage == nil ||
			b.LastMessage.Direction != "note" || b.LastMessage.Body != "internal: check KYC" {
			t.Errorf("Bo's item: %+v %+v", b, b.LastMessage)
		}
		n := items[anon.ConversationID]
		if *n.ContactName != "" || n.LastMessage != nil {
			t.Errorf("anonymous item without messages: %+v", n)
		}
		for _, c := range raw.Conversations {
			if id := strings.Trim(string(c["id"]), `"`); id == anon.ConversationID {
				if _, ok := c["last_message"]; ok {
					t.Errorf("last_message present without messages: %s", c["last_message"])
				}
			}
		}

		// The conversation.updated event keeps its old shape.
		last, err := bus.LastEventID(context.Background(), s.App.DB)
		if err != nil {
			t.Fatal(err)
		}
		agentWS := s.DialWS(t, fmt.Sprintf("/ws/agent?after=%d", last), s.AdminToken)
		s.JSON(t, "PATCH", "/api/v1/conversations/"+ann.ConversationID, s.AdminToken, map[string]string{"priority": "high"}, http.StatusOK, nil)
		ev := nextEvent(t, agentWS, bus.ConversationUpdated)
		var payload map[string]any
		if err := json.Unmarshal(ev.Payload, &payload); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"contact_name", "contact_email", "last_message"} {
			if _, ok := payload[k]; ok {
				t.Errorf("conversation.updated payload has %s: %s", k, ev.Payload)
			}
		}
	})
}

func TestConversationCounts(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		patch := func(conv string, body map[string]string) {
			s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, body, http.StatusOK, nil)
		}
		var convs []string
		for range 6 {
			c, _ := s.StartConversation(t)
			convs = append(convs, c)
		}
		patch(convs[0], map[string]string{"assignee_id": s.AdminID})
		patch(convs[1], map[string]string{"assignee_id": s.AdminID})
		patch(convs[2], map[string]string{"assignee_id": mei.ID})
		// convs[3] open and unassigned
		patch(convs[4], map[string]string{"status": "resolved", "assignee_id": s.AdminID})
		patch(convs[5], map[string]string{"status": "pending"})

		var other struct {
			Inbox struct {
				ID string `json:"id"`
			} `json:"inbox"`
		}
		s.JSON(t, "POST", "/api/v1/inboxes", s.AdminToken, map[string]string{"name": "App"}, http.StatusCreated, &other)
		inbox, err := s.App.Convs.InboxByKey(context.Background(), s.InboxKey)
		if err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name, token, query string
			want               countsJSON
		}{
			// No status counts every status, as the list lists them.
			{"admin, any status", s.AdminToken, "", countsJSON{Mine: 3, Unassigned: 2, All: 6}},
			{"admin, open, explicit", s.AdminToken, "?status=open", countsJSON{Mine: 2, Unassigned: 1, All: 4}},
			{"admin, open or pending", s.AdminToken, "?status=open,pending", countsJSON{Mine: 2, Unassigned: 2, All: 5}},
			{"mei, any status", mei.Token, "", countsJSON{Mine: 1, Unassigned: 2, All: 6}},
			{"mei, open", mei.Token, "?status=open", countsJSON{Mine: 1, Unassigned: 1, All: 4}},
			{"admin, resolved", s.AdminToken, "?status=resolved", countsJSON{Mine: 1, Unassigned: 0, All: 1}},
			{"mei, pending", mei.Token, "?status=pending", countsJSON{Mine: 0, Unassigned: 1, All: 1}},
			{"closed: none", s.AdminToken, "?status=closed", countsJSON{}},
			{"this inbox", s.AdminToken, "?inbox_id=" + inbox.ID, countsJSON{Mine: 3, Unassigned: 2, All: 6}},
			{"another inbox", s.AdminToken, "?status=open&inbox_id=" + other.Inbox.ID, countsJSON{}},
		} {
			var got countsJSON
			s.JSON(t, "GET", "/api/v1/conversations/counts"+tc.query, tc.token, nil, http.StatusOK, &got)
			if got != tc.want {
				t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
			}
		}
		// The counts agree with the list's totals.
		var l convList
		s.JSON(t, "GET", "/api/v1/conversations?status=open&assignee=me", s.AdminToken, nil, http.StatusOK, &l)
		if l.Total != 2 {
			t.Errorf("list total for me %d, counts said 2", l.Total)
		}
		status, body := s.Do(t, "GET", "/api/v1/conversations/counts?status=archived", s.AdminToken, nil)
		if status != http.StatusBadRequest || apptest.ErrorCode(t, body) != "invalid" {
			t.Errorf("unknown status: %d %s", status, body)
		}
		if status, _ := s.Do(t, "GET", "/api/v1/conversations/counts", "", nil); status != http.StatusUnauthorized {
			t.Errorf("counts without a token: %d", status)
		}
	})
}
