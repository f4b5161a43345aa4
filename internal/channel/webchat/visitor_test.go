package webchat_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
)

type visitorInfo struct {
	Context   conversation.VisitorContext `json:"context"`
	UpdatedAt string                      `json:"updated_at"`
}

func agentVisitor(t *testing.T, s *apptest.Server, convID string) visitorInfo {
	t.Helper()
	var v visitorInfo
	s.JSON(t, "GET", "/api/v1/conversations/"+convID+"/visitor", s.AdminToken, nil, http.StatusOK, &v)
	return v
}

// The widget's context travels with the start, is merged by later
// changes, and is what agents read beside the conversation.
func TestVisitorContextStoredAndMerged(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		start := conversation.VisitorContext{
			PageURL: "https://wallet.example/help/fees?tab=eth", Referrer: "https://www.google.com/",
			Browser: "Chrome 131", AppVersion: "3.2.1", Device: "iPhone", Language: "zh-CN", TimeZone: "Asia/Shanghai",
		}
		st := s.StartConversationWith(t, map[string]any{"context": start})
		if got := agentVisitor(t, s, st.ConversationID); got.Context != start || got.UpdatedAt == "" {
			t.Fatalf("after start: %+v, want %+v", got, start)
		}

		// A conversation started without one has an empty context.
		plain, _ := s.StartConversation(t)
		if got := agentVisitor(t, s, plain); !got.Context.Empty() || got.UpdatedAt != "" {
			t.Fatalf("no context given, got %+v", got)
		}

		// A later change replaces the fields it names and keeps the others.
		path := "/api/v1/widget/conversations/" + st.ConversationID
		var resp struct {
			Name    string                      `json:"name"`
			Context conversation.VisitorContext `json:"context"`
		}
		s.JSON(t, "PATCH", path, st.ContactToken, map[string]any{"context": map[string]string{
			"page_url": " https://wallet.example/swap ", "app_version": "3.3.0"}}, http.StatusOK, &resp)
		want := start
		want.PageURL, want.AppVersion = "https://wallet.example/swap", "3.3.0"
		if resp.Context != want {
			t.Fatalf("PATCH answered %+v, want %+v", resp.Context, want)
		}
		if got := agentVisitor(t, s, st.ConversationID); got.Context != want {
			t.Fatalf("after PATCH: %+v, want %+v", got.Context, want)
		}

		// Another contact's conversation looks missing, and so does a
		// conversation without a token.
		other := s.StartConversationWith(t, map[string]string{})
		if status, b := s.Do(t, "PATCH", path, other.ContactToken, map[string]any{"name": "Eve"}); status != http.StatusNotFound {
			t.Fatalf("another contact's conversation: %d %s", status, b)
		}
		if status, _ := s.Do(t, "PATCH", path, "", map[string]any{"name": "Eve"}); status != http.StatusUnauthorized {
			t.Fatalf("without a token: %d", status)
		}
		if status, b := s.Do(t, "GET", "/api/v1/conversations/cv_missing/visitor", s.AdminToken, nil); status != http.StatusNotFound {
			t.Fatalf("visitor of a missing conversation: %d %s", status, b)
		}
	})
}

// Each field is bounded and checked; a refused change writes nothing, the
// name included.
func TestVisitorContextValidated(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		st := s.StartConversationWith(t, map[string]any{"name": "Li Wei", "context": map[string]string{"device": "Pixel 8"}})
		path := "/api/v1/widget/conversations/" + st.ConversationID
		for _, tc := range []struct {
			field, value string
		}{
			{"page_url", "javascript:alert(1)"},
			{"page_url", "/relative/path"},
			{"referrer", "https://user:pw@example.com/"},
			{"page_url", "https://example.com/" + strings.Repeat("a", conversation.MaxVisitorURL)},
			{"browser", strings.Repeat("b", conversation.MaxVisitorText+1)},
			{"device", "iPhone\u202e"},
			{"app_version", "1.0\x00"},
			{"language", "zh CN"},
			{"time_zone", "Asia/Shanghai; DROP"},
		} {
			body := map[string]any{"name": "Changed", "context": map[string]string{tc.field: tc.value}}
			status, b := s.Do(t, "PATCH", path, st.ContactToken, body)
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" || !strings.Contains(string(b), tc.field) {
				t.Fatalf("%s=%q: %d %s", tc.field, tc.value, status, b)
			}
			// The same on the start: nothing is created.
			n := s.Count(t, "SELECT COUNT(*) FROM conversations")
			status, b = s.Do(t, "POST", "/api/v1/widget/"+s.InboxKey+"/conversations", "", body)
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("start with %s=%q: %d %s", tc.field, tc.value, status, b)
			}
			if got := s.Count(t, "SELECT COUNT(*) FROM conversations"); got != n {
				t.Fatalf("a refused start created a conversation (%d → %d)", n, got)
			}
		}
		if got := agentVisitor(t, s, st.ConversationID); got.Context != (conversation.VisitorContext{Device: "Pixel 8"}) {
			t.Fatalf("refused changes were stored: %+v", got.Context)
		}
		c, err := s.App.Convs.Contact(t.Context(), st.ContactID)
		if err != nil || c.Name != "Li Wei" {
			t.Fatalf("name after refused changes: %q %v", c.Name, err)
		}
		if status, b := s.Do(t, "PATCH", path, st.ContactToken, map[string]any{}); status != http.StatusBadRequest {
			t.Fatalf("empty change: %d %s", status, b)
		}
	})
}

// The visitor-field secret check covers the context: a mnemonic or key in
// a page address or any other field is stored as the guard's marker.
func TestVisitorContextNeverStoresSecrets(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		joined := strings.ReplaceAll(testMnemonics[0], " ", "-")
		st := s.StartConversationWith(t, map[string]any{"context": map[string]string{
			"page_url": "https://wallet.example/restore?words=" + joined,
			"device":   testMnemonics[1],
		}})
		s.JSON(t, "PATCH", "/api/v1/widget/conversations/"+st.ConversationID, st.ContactToken,
			map[string]any{"context": map[string]string{"app_version": "0x" + keyHex}}, http.StatusOK, nil)
		got := agentVisitor(t, s, st.ConversationID).Context
		for name, v := range map[string]string{"page_url": got.PageURL, "device": got.Device, "app_version": got.AppVersion} {
			if !strings.Contains(v, guard.MarkerPrefix) {
				t.Errorf("%s stored as %q, want the guard's marker", name, v)
			}
		}
		var raw string
		if err := s.App.DB.QueryRow(t.Context(), "SELECT context FROM conversation_visitors WHERE conversation_id = ?", st.ConversationID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{joined, testMnemonics[1], keyHex} {
			if strings.Contains(raw, secret) {
				t.Fatalf("the stored context holds a secret: %s", raw)
			}
		}
	})
}

// The chat's name prompt stores the name on the contact, cleaned and
// guarded like the name sent at the start.
func TestVisitorNameFromChat(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		st := s.StartConversationWith(t, map[string]string{})
		path := "/api/v1/widget/conversations/" + st.ConversationID
		var resp struct {
			Name string `json:"name"`
		}
		s.JSON(t, "PATCH", path, st.ContactToken, map[string]any{"name": "  王小明\n"}, http.StatusOK, &resp)
		if resp.Name != "王小明" {
			t.Fatalf("name answered as %q", resp.Name)
		}
		var contact struct {
			Name string `json:"name"`
		}
		s.JSON(t, "GET", "/api/v1/contacts/"+st.ContactID, s.AdminToken, nil, http.StatusOK, &contact)
		if contact.Name != "王小明" {
			t.Fatalf("contact name %q", contact.Name)
		}
		s.JSON(t, "PATCH", path, st.ContactToken, map[string]any{"name": testMnemonics[0]}, http.StatusOK, &resp)
		if !strings.Contains(resp.Name, guard.MarkerMnemonic) || strings.Contains(resp.Name, testMnemonics[0]) {
			t.Fatalf("a mnemonic as name stored as %q", resp.Name)
		}
		if status, b := s.Do(t, "PATCH", path, st.ContactToken, map[string]any{"name": strings.Repeat("名", 201)}); status != http.StatusBadRequest {
			t.Fatalf("a 201-character name: %d %s", status, b)
		}
	})
}

// An identified user's payload brings the name and the context; the name
// is on the contact, shared by the user's conversations.
func TestIdentifiedUserBringsNameAndContext(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		inbox, err := s.App.Convs.InboxByKey(t.Context(), s.InboxKey)
		if err != nil {
			t.Fatal(err)
		}
		user := "u_1001"
		body := map[string]any{"user_id": user, "user_hash": auth.UserHash(inbox.HMACSecret, user), "name": "Li Wei",
			"context": map[string]string{"app_version": "3.2.1 (iOS)", "device": "iPhone 15", "language": "zh-CN"}}
		first := s.StartConversationWith(t, body)
		delete(body, "name")
		second := s.StartConversationWith(t, body)
		if first.ContactID != second.ContactID {
			t.Fatalf("one user, two contacts: %s %s", first.ContactID, second.ContactID)
		}
		var contact struct {
			Name string `json:"name"`
		}
		s.JSON(t, "GET", "/api/v1/contacts/"+second.ContactID, s.AdminToken, nil, http.StatusOK, &contact)
		if contact.Name != "Li Wei" {
			t.Fatalf("identified user's name %q", contact.Name)
		}
		if got := agentVisitor(t, s, second.ConversationID).Context; got.AppVersion != "3.2.1 (iOS)" || got.Device != "iPhone 15" || got.Language != "zh-CN" {
			t.Fatalf("identified user's context %+v", got)
		}
	})
}
