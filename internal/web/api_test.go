package web_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// eachServer runs fn against a fresh server on every engine.
func eachServer(t *testing.T, fn func(t *testing.T, s *apptest.Server)) {
	t.Helper()
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) { fn(t, apptest.Start(t, e)) })
	}
}

type message struct {
	ID              string                       `json:"id"`
	ConversationID  string                       `json:"conversation_id"`
	Seq             int64                        `json:"seq"`
	Direction       string                       `json:"direction"`
	AuthorType      string                       `json:"author_type"`
	AuthorName      string                       `json:"author_name"`
	Body            string                       `json:"body"`
	ClientMessageID string                       `json:"client_message_id"`
	Attachments     []conversation.AttachmentRef `json:"attachments"`
}

type messages struct {
	Messages []message `json:"messages"`
}

type convJSON struct {
	ID         string            `json:"id"`
	InboxID    string            `json:"inbox_id"`
	ContactID  string            `json:"contact_id"`
	Status     string            `json:"status"`
	Priority   string            `json:"priority"`
	AssigneeID string            `json:"assignee_id"`
	Tags       []string          `json:"tags"`
	Attributes map[string]string `json:"attributes"`
	LastSeq    int64             `json:"last_seq"`
}

type convList struct {
	Conversations []convJSON `json:"conversations"`
	Total         int        `json:"total"`
}

func widgetMessages(t *testing.T, s *apptest.Server, convID, token string, after int64) []message {
	t.Helper()
	var m messages
	s.JSON(t, "GET", fmt.Sprintf("/api/v1/widget/conversations/%s/messages?after=%d", convID, after), token, nil, http.StatusOK, &m)
	return m.Messages
}

func agentMessages(t *testing.T, s *apptest.Server, convID string) []message {
	t.Helper()
	var m messages
	s.JSON(t, "GET", "/api/v1/conversations/"+convID+"/messages", s.AdminToken, nil, http.StatusOK, &m)
	return m.Messages
}

func seqs(ms []message) []int64 {
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.Seq)
	}
	return out
}

func TestAgentAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		inbox, err := s.App.Convs.InboxByKey(ctx, s.InboxKey)
		if err != nil {
			t.Fatal(err)
		}
		var me struct {
			ID    string `json:"id"`
			Email string `json:"email"`
			Role  string `json:"role"`
		}
		s.JSON(t, "GET", "/api/v1/me", s.AdminToken, nil, http.StatusOK, &me)
		if me.ID != s.AdminID || me.Role != "admin" || me.Email != "admin@huiying.local" {
			t.Fatalf("me = %+v", me)
		}

		c1, tok1 := s.StartConversation(t)
		c2, _ := s.StartConversation(t)
		c3, _ := s.StartConversation(t)
		s.Send(t, c1, tok1, "m1", "I need help")

		var got convJSON
		s.JSON(t, "GET", "/api/v1/conversations/"+c1, s.AdminToken, nil, http.StatusOK, &got)
		if got.ID != c1 || got.Status != "open" || got.LastSeq != 1 || got.InboxID != inbox.ID || got.AssigneeID != "" {
			t.Fatalf("conversation = %+v", got)
		}

		var patched convJSON
		s.JSON(t, "PATCH", "/api/v1/conversations/"+c1, s.AdminToken, map[string]any{
			"status": "pending", "priority": "high", "assignee_id": "me", "tags": []string{" VIP ", "billing", "vip"},
			"attributes": map[string]any{"plan": "gold", "os": "ios"},
		}, http.StatusOK, &patched)
		if patched.Status != "pending" || patched.Priority != "high" || patched.AssigneeID != s.AdminID ||
			!slices.Equal(patched.Tags, []string{"billing", "vip"}) ||
			!reflect.DeepEqual(patched.Attributes, map[string]string{"plan": "gold", "os": "ios"}) {
			t.Fatalf("patched = %+v", patched)
		}
		var deleted convJSON // a fresh value: decoding into patched would merge maps
		s.JSON(t, "PATCH", "/api/v1/conversations/"+c1, s.AdminToken, map[string]any{"attributes": map[string]any{"plan": nil}},
			http.StatusOK, &deleted)
		if !reflect.DeepEqual(deleted.Attributes, map[string]string{"os": "ios"}) || deleted.Status != "pending" {
			t.Fatalf("after deleting an attribute: %+v", deleted)
		}
		var reread convJSON
		s.JSON(t, "GET", "/api/v1/conversations/"+c1, s.AdminToken, nil, http.StatusOK, &reread)
		if !reflect.DeepEqual(reread.Attributes, map[string]string{"os": "ios"}) || reread.AssigneeID != s.AdminID ||
			!slices.Equal(reread.Tags, []string{"billing", "vip"}) || reread.Status != "pending" {
			t.Fatalf("re-read after PATCH: %+v", reread)
		}
		s.JSON(t, "PATCH", "/api/v1/conversations/"+c3, s.AdminToken, map[string]any{"status": "resolved", "tags": []string{"billing"}},
			http.StatusOK, nil)
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		var snoozed convJSON
		s.JSON(t, "PATCH", "/api/v1/conversations/"+c2, s.AdminToken, map[string]any{"status": "snoozed", "snoozed_until": future},
			http.StatusOK, &snoozed)
		if snoozed.Status != "snoozed" {
			t.Fatalf("snooze: %+v", snoozed)
		}

		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{c1, c2, c3}},
			{"?status=pending", []string{c1}},
			{"?status=resolved", []string{c3}},
			{"?status=open", nil},
			{"?assignee=me", []string{c1}},
			{"?assignee=" + s.AdminID, []string{c1}},
			{"?assignee=unassigned", []string{c2, c3}},
			{"?tag=vip", []string{c1}},
			{"?tag=billing", []string{c1, c3}},
			{"?tag=billing&status=resolved", []string{c3}},
			{"?inbox_id=" + inbox.ID, []string{c1, c2, c3}},
			{"?inbox_id=in_other", nil},
		} {
			var l convList
			s.JSON(t, "GET", "/api/v1/conversations"+tc.query, s.AdminToken, nil, http.StatusOK, &l)
			var ids []string
			for _, c := range l.Conversations {
				ids = append(ids, c.ID)
			}
			slices.Sort(ids)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(ids, want) || l.Total != len(want) {
				t.Fatalf("list%s: %v (total %d), want %v", tc.query, ids, l.Total, want)
			}
		}
		var page convList
		s.JSON(t, "GET", "/api/v1/conversations?limit=1", s.AdminToken, nil, http.StatusOK, &page)
		if len(page.Conversations) != 1 || page.Total != 3 {
			t.Fatalf("limit=1: %d conversations, total %d", len(page.Conversations), page.Total)
		}

		// Reply and private note.
		var reply, note message
		s.JSON(t, "POST", "/api/v1/conversations/"+c1+"/messages", s.AdminToken, map[string]any{"body": "We are on it"},
			http.StatusCreated, &reply)
		s.JSON(t, "POST", "/api/v1/conversations/"+c1+"/messages", s.AdminToken,
			map[string]any{"body": "customer is VIP, escalate", "private": true}, http.StatusCreated, &note)
		if reply.Seq != 2 || reply.Direction != "outbound" || reply.AuthorType != "agent" || note.Seq != 3 || note.Direction != "note" {
			t.Fatalf("reply %+v, note %+v", reply, note)
		}
		if got := seqs(widgetMessages(t, s, c1, tok1, 0)); !slices.Equal(got, []int64{1, 2}) {
			t.Fatalf("contact sees %v, want [1 2] (no note)", got)
		}
		if got := seqs(agentMessages(t, s, c1)); !slices.Equal(got, []int64{1, 2, 3}) {
			t.Fatalf("agent sees %v, want [1 2 3]", got)
		}

		// Role checks: an agent may work conversations but not create inboxes.
		ag, err := s.App.Auth.CreateAgent(ctx, "agent@example.com", "Agent", auth.RoleAgent, "a long enough password")
		if err != nil {
			t.Fatal(err)
		}
		agentTok, _, err := s.App.Auth.CreateToken(ctx, ag.ID, "test", auth.ScopeAdmin, 0)
		if err != nil {
			t.Fatal(err)
		}
		var l convList
		s.JSON(t, "GET", "/api/v1/conversations?assignee=me", agentTok, nil, http.StatusOK, &l)
		if l.Total != 0 {
			t.Fatalf("agent's own queue has %d conversations, want 0", l.Total)
		}
		before := s.Snapshot(t)
		status, body := s.Do(t, "POST", "/api/v1/inboxes", agentTok, map[string]string{"name": "Sneaky"})
		if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
			t.Fatalf("agent creating an inbox: %d %s, want 403 forbidden", status, body)
		}
		status, body = s.Do(t, "POST", "/api/v1/agents", agentTok, map[string]string{"email": "x@example.com"})
		if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
			t.Fatalf("agent creating an agent: %d %s, want 403 forbidden", status, body)
		}
		s.AssertNothingWritten(t, before)
		var created struct {
			Inbox struct {
				ID        string `json:"id"`
				PublicKey string `json:"public_key"`
			} `json:"inbox"`
			HMACSecret string `json:"hmac_secret"`
		}
		s.JSON(t, "POST", "/api/v1/inboxes", s.AdminToken, map[string]string{"name": "Second"}, http.StatusCreated, &created)
		if created.Inbox.ID == "" || created.HMACSecret == "" || created.Inbox.PublicKey == "" {
			t.Fatalf("created inbox = %+v", created)
		}
		var inboxes struct {
			Inboxes []map[string]any `json:"inboxes"`
		}
		s.JSON(t, "GET", "/api/v1/inboxes", agentTok, nil, http.StatusOK, &inboxes)
		if len(inboxes.Inboxes) != 2 {
			t.Fatalf("%d inboxes listed, want 2", len(inboxes.Inboxes))
		}
		for _, in := range inboxes.Inboxes {
			if _, leaked := in["hmac_secret"]; leaked {
				t.Fatalf("inbox list leaks the HMAC secret: %v", in)
			}
		}
	})
}

func TestBadInputWritesNothing(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		convA, tokA := s.StartConversation(t)
		convB, tokB := s.StartConversation(t)
		s.Send(t, convA, tokA, "a-1", "A's first message")
		s.Send(t, convB, tokB, "b-1", "B's first message")

		expired, _, err := s.App.Auth.CreateToken(ctx, s.AdminID, "short-lived", auth.ScopeAdmin, time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		// Sleeping only makes the token older; the assertion below cannot
		// flake on a slow machine.
		time.Sleep(20 * time.Millisecond)

		// A token whose signature belongs to another contact.
		forged := tokA[:strings.LastIndex(tokA, ".")] + tokB[strings.LastIndex(tokB, "."):]

		sendA := "/api/v1/widget/conversations/" + convA + "/messages"
		agentA := "/api/v1/conversations/" + convA
		tooLong := map[string]string{"body": strings.Repeat("é", conversation.MaxBodyRunes+1)}
		overRequest := `{"body": "` + strings.Repeat("a", apptest.MaxRequestBytes+10) + `"}`

		for _, tc := range []struct {
			name, method, path, token string
			body                      any
			status                    int
			code                      string
		}{
			// Widget send: the body.
			{"malformed JSON", "POST", sendA, tokA, `{"body": "hi"`, 400, "malformed_json"},
			{"not JSON at all", "POST", sendA, tokA, `body=hi`, 400, "malformed_json"},
			{"empty request body", "POST", sendA, tokA, "", 400, "malformed_json"},
			{"two JSON objects", "POST", sendA, tokA, `{"body":"a"}{"body":"b"}`, 400, "malformed_json"},
			{"body of wrong type", "POST", sendA, tokA, `{"body": 42}`, 400, "invalid"},
			{"empty message", "POST", sendA, tokA, map[string]string{"body": ""}, 400, "invalid"},
			{"blank message", "POST", sendA, tokA, map[string]string{"body": " \n\t "}, 400, "invalid"},
			{"message over the character limit", "POST", sendA, tokA, tooLong, 413, "too_large"},
			{"request over MaxRequestBytes", "POST", sendA, tokA, overRequest, 413, "too_large"},
			{"client id too long", "POST", sendA, tokA, map[string]string{"body": "x", "client_message_id": strings.Repeat("c", conversation.MaxClientMessageIDBytes+1)}, 400, "invalid"},
			// Widget: who is asking.
			{"unknown conversation", "POST", "/api/v1/widget/conversations/cv_nope/messages", tokA, map[string]string{"body": "hi"}, 404, "not_found"},
			{"missing contact token", "POST", sendA, "", map[string]string{"body": "hi"}, 401, "unauthorized"},
			{"garbled contact token", "POST", sendA, "ct.garbage", map[string]string{"body": "hi"}, 401, "unauthorized"},
			{"contact token with another's signature", "POST", sendA, forged, map[string]string{"body": "hi"}, 401, "unauthorized"},
			{"agent token as contact token", "POST", sendA, s.AdminToken, map[string]string{"body": "hi"}, 401, "unauthorized"},
			{"another contact posts", "POST", sendA, tokB, map[string]string{"body": "let me in", "client_message_id": "b-2"}, 404, "not_found"},
			{"another contact posts with the owner's client id", "POST", sendA, tokB, map[string]string{"body": "guess", "client_message_id": "a-1"}, 404, "not_found"},
			{"another contact reads", "GET", sendA, tokB, nil, 404, "not_found"},
			{"missing token reads", "GET", sendA, "", nil, 401, "unauthorized"},
			{"bad after", "GET", sendA + "?after=abc", tokA, nil, 400, "invalid"},
			{"negative after", "GET", sendA + "?after=-1", tokA, nil, 400, "invalid"},
			// Agent API.
			{"missing API token", "GET", "/api/v1/conversations", "", nil, 401, "unauthorized"},
			{"garbled API token", "GET", "/api/v1/conversations", "hy_garbage", nil, 401, "unauthorized"},
			{"contact token as API token", "GET", "/api/v1/conversations", tokA, nil, 403, "forbidden"},
			{"expired API token", "GET", "/api/v1/conversations", expired, nil, 401, "unauthorized"},
			{"expired API token writes", "POST", agentA + "/messages", expired, map[string]string{"body": "hi"}, 401, "unauthorized"},
			{"unknown conversation (agent)", "GET", "/api/v1/conversations/cv_nope", s.AdminToken, nil, 404, "not_found"},
			{"reply to unknown conversation", "POST", "/api/v1/conversations/cv_nope/messages", s.AdminToken, map[string]string{"body": "hi"}, 404, "not_found"},
			{"empty reply", "POST", agentA + "/messages", s.AdminToken, map[string]string{"body": "  "}, 400, "invalid"},
			{"reply malformed JSON", "POST", agentA + "/messages", s.AdminToken, `{"body":`, 400, "malformed_json"},
			{"reply over the character limit", "POST", agentA + "/messages", s.AdminToken, tooLong, 413, "too_large"},
			{"agent bad after", "GET", agentA + "/messages?after=x", s.AdminToken, nil, 400, "invalid"},
			{"PATCH unknown status", "PATCH", agentA, s.AdminToken, map[string]string{"status": "archived"}, 400, "invalid"},
			{"PATCH snooze without until", "PATCH", agentA, s.AdminToken, map[string]string{"status": "snoozed"}, 400, "invalid"},
			{"PATCH unknown priority", "PATCH", agentA, s.AdminToken, map[string]string{"priority": "asap"}, 400, "invalid"},
			{"PATCH unknown assignee", "PATCH", agentA, s.AdminToken, map[string]string{"assignee_id": "ag_nobody"}, 400, "invalid"},
			{"PATCH tags of wrong type", "PATCH", agentA, s.AdminToken, `{"tags": "vip"}`, 400, "invalid"},
			{"PATCH malformed JSON", "PATCH", agentA, s.AdminToken, `{"status": open}`, 400, "malformed_json"},
			{"PATCH unknown conversation", "PATCH", "/api/v1/conversations/cv_nope", s.AdminToken, map[string]string{"status": "open"}, 404, "not_found"},
			{"list unknown status", "GET", "/api/v1/conversations?status=archived", s.AdminToken, nil, 400, "invalid"},
			{"list bad limit", "GET", "/api/v1/conversations?limit=0", s.AdminToken, nil, 400, "invalid"},
			{"unknown API route", "GET", "/api/v1/nope", s.AdminToken, nil, 404, "not_found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := s.Snapshot(t, convA, convB)
				status, body := s.Do(t, tc.method, tc.path, tc.token, tc.body)
				if status != tc.status {
					t.Fatalf("status %d, want %d; body %s", status, tc.status, body)
				}
				if code := apptest.ErrorCode(t, body); code != tc.code {
					t.Fatalf("error code %q, want %q; body %s", code, tc.code, body)
				}
				s.AssertNothingWritten(t, before, convA, convB)
			})
		}
		// The owners' timelines are as they were.
		if got := widgetMessages(t, s, convA, tokA, 0); len(got) != 1 || got[0].Body != "A's first message" {
			t.Fatalf("A's messages = %+v", got)
		}
		if got := widgetMessages(t, s, convB, tokB, 0); len(got) != 1 || got[0].Body != "B's first message" {
			t.Fatalf("B's messages = %+v", got)
		}
	})
}
