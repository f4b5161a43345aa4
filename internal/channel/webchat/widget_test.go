package webchat_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

func TestWidgetStartConversation(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		inbox, err := s.App.Convs.InboxByKey(ctx, s.InboxKey)
		if err != nil {
			t.Fatal(err)
		}
		startPath := "/api/v1/widget/" + s.InboxKey + "/conversations"

		anon := s.StartConversationWith(t, map[string]string{"name": "Ann", "email": "ann@example.com"})
		if got := widgetMessages(t, s, anon.ConversationID, anon.ContactToken, 0); len(got) != 0 {
			t.Fatalf("new conversation has messages %+v", got)
		}
		// An empty body is allowed: an anonymous visitor.
		status, body := s.Do(t, "POST", startPath, "", nil)
		if status != http.StatusCreated {
			t.Fatalf("start without body: %d %s", status, body)
		}

		user := "user-42"
		hash := auth.UserHash(inbox.HMACSecret, user)
		id1 := s.StartConversationWith(t, map[string]string{"user_id": user, "user_hash": hash, "name": "Bo"})
		id2 := s.StartConversationWith(t, map[string]string{"user_id": user, "user_hash": strings.ToUpper(hash)})
		if id1.ContactID != id2.ContactID || id1.ConversationID == id2.ConversationID {
			t.Fatalf("identified user: contacts %s/%s, conversations %s/%s; want one contact, two conversations",
				id1.ContactID, id2.ContactID, id1.ConversationID, id2.ConversationID)
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM contacts WHERE external_id = ?", inbox.ID+":"+user); n != 1 {
			t.Fatalf("%d contacts for the identified user, want 1", n)
		}
		var contact struct {
			ID         string `json:"id"`
			Name       string `json:"name"`
			ExternalID string `json:"external_id"`
		}
		s.JSON(t, "GET", "/api/v1/contacts/"+id1.ContactID, s.AdminToken, nil, http.StatusOK, &contact)
		if contact.Name != "Bo" || contact.ExternalID != inbox.ID+":"+user {
			t.Fatalf("contact = %+v", contact)
		}

		for _, tc := range []struct {
			name   string
			path   string
			body   any
			status int
			code   string
		}{
			{"wrong user hash", startPath, map[string]string{"user_id": user, "user_hash": auth.UserHash(inbox.HMACSecret, "user-43")}, 401, "unauthorized"},
			{"hash signed with another secret", startPath, map[string]string{"user_id": user, "user_hash": auth.UserHash("not-the-secret", user)}, 401, "unauthorized"},
			{"user id without hash", startPath, map[string]string{"user_id": user}, 401, "unauthorized"},
			{"hash without user id", startPath, map[string]string{"user_hash": hash}, 401, "unauthorized"},
			{"unknown inbox", "/api/v1/widget/pk_nope/conversations", map[string]string{"name": "x"}, 404, "not_found"},
			{"malformed JSON", startPath, `{"name": "x"`, 400, "malformed_json"},
			{"bad email", startPath, map[string]string{"email": "not-an-email"}, 400, "invalid"},
			{"wrong field type", startPath, `{"name": 7}`, 400, "invalid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := s.Snapshot(t)
				status, body := s.Do(t, "POST", tc.path, "", tc.body)
				if status != tc.status || apptest.ErrorCode(t, body) != tc.code {
					t.Fatalf("status %d body %s, want %d %s", status, body, tc.status, tc.code)
				}
				s.AssertNothingWritten(t, before)
			})
		}
	})
}

func TestWidgetSendRetryAndRead(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		path := "/api/v1/widget/conversations/" + conv + "/messages"

		first := s.Send(t, conv, tok, "c-1", "Hello, my transfer is stuck")
		if first.Seq != 1 || first.MessageID == "" || first.Duplicate {
			t.Fatalf("first message ack = %+v", first)
		}
		var retry apptest.Ack
		s.JSON(t, "POST", path, tok, map[string]string{"client_message_id": "c-1", "body": "Hello, my transfer is stuck"},
			http.StatusOK, &retry)
		if retry.MessageID != first.MessageID || retry.Seq != first.Seq || !retry.Duplicate {
			t.Fatalf("retry ack = %+v, want duplicate of %+v", retry, first)
		}
		if n := s.Messages(t, conv); n != 1 {
			t.Fatalf("%d messages stored after a retry, want 1", n)
		}

		second := s.Send(t, conv, tok, "c-2", "Any news?")
		if second.Seq != 2 {
			t.Fatalf("second message seq %d, want 2", second.Seq)
		}
		noteSeq := s.Reply(t, conv, "internal: check the ledger", true)
		replySeq := s.Reply(t, conv, "Looking into it", false)
		if noteSeq != 3 || replySeq != 4 {
			t.Fatalf("note seq %d, reply seq %d; want 3 and 4", noteSeq, replySeq)
		}

		for _, tc := range []struct {
			after int64
			want  []int64
		}{
			{0, []int64{1, 2, 4}},
			{1, []int64{2, 4}},
			{2, []int64{4}},
			{3, []int64{4}},
			{4, []int64{}},
		} {
			got := widgetMessages(t, s, conv, tok, tc.after)
			if !slices.Equal(seqs(got), tc.want) {
				t.Fatalf("after=%d: seqs %v, want %v", tc.after, seqs(got), tc.want)
			}
			for _, m := range got {
				if m.Direction == "note" || strings.Contains(m.Body, "internal") {
					t.Fatalf("contact sees the private note: %+v", m)
				}
			}
		}
		all := widgetMessages(t, s, conv, tok, 0)
		if all[0].Body != "Hello, my transfer is stuck" || all[0].Direction != "inbound" || all[0].ClientMessageID != "c-1" ||
			all[2].Direction != "outbound" || all[2].AuthorType != "agent" {
			t.Fatalf("messages = %+v", all)
		}
		if got := seqs(agentMessages(t, s, conv)); !slices.Equal(got, []int64{1, 2, 3, 4}) {
			t.Fatalf("agent sees seqs %v, want all four", got)
		}
	})
}
