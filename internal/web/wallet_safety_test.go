package web_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
)

func TestAgentReplyAskingForSecretIsRefused(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, _ := s.StartConversation(t)
		path := "/api/v1/conversations/" + conv + "/messages"
		before := s.Snapshot(t, conv)
		for _, body := range []string{"Please send me your seed phrase", "把助记词发给我", "what is your private key?"} {
			status, b := s.Do(t, "POST", path, s.AdminToken, map[string]any{"body": body, "client_message_id": "x-" + body})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "asks_for_secret" {
				t.Fatalf("%q: %d %s", body, status, b)
			}
			var e struct {
				Error struct{ Message string } `json:"error"`
			}
			_ = json.Unmarshal(b, &e)
			for _, want := range []string{"transaction hash", "助记词", "wallet address"} {
				if !strings.Contains(e.Error.Message, want) {
					t.Errorf("message lacks %q: %s", want, e.Error.Message)
				}
			}
		}
		s.AssertNothingWritten(t, before, conv)
		// Supervisors can see each refused attempt in the audit log.
		if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ?",
			"blocked: asks_for_secret", conv); n != 3 {
			t.Fatalf("%d audited attempts, want 3", n)
		}
		// Warnings pass; internal notes are exempt.
		if seq := s.Reply(t, conv, "We will never ask for your seed phrase. 官方客服不会索要私钥。", false); seq != 1 {
			t.Fatalf("warning seq %d", seq)
		}
		if seq := s.Reply(t, conv, "Scammer in another chat said: send me your seed phrase", true); seq != 2 {
			t.Fatalf("note seq %d", seq)
		}
	})
}

const (
	evmAddr  = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	evmAddr2 = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
	tronAddr = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
	evmTx    = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
)

func TestVisitorMessageSetsWalletAttributes(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		events := func() int { return s.Count(t, "SELECT COUNT(*) FROM events WHERE conversation_id = ?", conv) }
		s.Send(t, conv, tok, "m1", "我的地址是 "+evmAddr+"，转到 "+tronAddr+" 的 USDT 没到，tx "+evmTx)
		var c convJSON
		s.JSON(t, "GET", "/api/v1/conversations/"+conv, s.AdminToken, nil, http.StatusOK, &c)
		if c.Attributes["wallet.evm.address"] != evmAddr || c.Attributes["wallet.tron.address"] != tronAddr || c.Attributes["wallet.evm.tx"] != evmTx {
			t.Fatalf("attributes %v", c.Attributes)
		}
		// The same address again changes nothing: no conversation.updated event.
		n := events()
		s.Send(t, conv, tok, "m2", "again "+evmAddr)
		if got := events(); got != n+1 { // the message.created event only
			t.Fatalf("events %d → %d, want one more", n, got)
		}
		// A newer address wins; an invalid checksum is ignored.
		s.Send(t, conv, tok, "m3", "sorry, it is "+evmAddr2+" not 0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
		s.JSON(t, "GET", "/api/v1/conversations/"+conv, s.AdminToken, nil, http.StatusOK, &c)
		if c.Attributes["wallet.evm.address"] != evmAddr2 {
			t.Fatalf("attributes %v", c.Attributes)
		}
	})
}

func TestExplorersConfig(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	var resp struct {
		Explorers map[string]map[string]string `json:"explorers"`
	}
	s.JSON(t, "GET", "/api/v1/config/explorers", s.AdminToken, nil, http.StatusOK, &resp)
	if !strings.Contains(resp.Explorers["evm"]["address"], "{value}") || resp.Explorers["tron"]["tx"] == "" || len(resp.Explorers) != 4 {
		t.Fatalf("explorers %v", resp.Explorers)
	}
	if status, _ := s.Do(t, "GET", "/api/v1/config/explorers", "", nil); status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", status)
	}
}

func TestOfficialChannels(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		var got struct {
			Channels []map[string]string `json:"channels"`
		}
		s.JSON(t, "GET", "/api/v1/public/official-channels", "", nil, http.StatusOK, &got)
		if got.Channels == nil || len(got.Channels) != 0 {
			t.Fatalf("initial channels %v", got.Channels)
		}
		want := []map[string]string{{"label": "Website", "url": "https://wallet.example.com"}, {"label": "X / Twitter", "url": "https://x.com/examplewallet"}}
		s.JSON(t, "PUT", "/api/v1/official-channels", s.AdminToken, map[string]any{"channels": want}, http.StatusOK, nil)
		s.JSON(t, "GET", "/api/v1/public/official-channels", "", nil, http.StatusOK, &got)
		if len(got.Channels) != 2 || got.Channels[1]["url"] != want[1]["url"] {
			t.Fatalf("channels %v", got.Channels)
		}
		many := make([]map[string]string, 21)
		for i := range many {
			many[i] = map[string]string{"label": "x", "url": "https://x.example"}
		}
		for _, bad := range []any{
			map[string]any{"channels": []map[string]string{{"label": "t", "url": "http://insecure.example"}}},
			map[string]any{"channels": []map[string]string{{"label": "t", "url": "javascript:alert(1)"}}},
			map[string]any{"channels": []map[string]string{{"label": "", "url": "https://x.example"}}},
			map[string]any{"channels": many},
			map[string]any{},
		} {
			status, b := s.Do(t, "PUT", "/api/v1/official-channels", s.AdminToken, bad)
			if status != http.StatusBadRequest {
				t.Errorf("%v: %d %s", bad, status, b)
			}
		}
		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		if status, _ := s.Do(t, "PUT", "/api/v1/official-channels", agent.Token, map[string]any{"channels": want}); status != http.StatusForbidden {
			t.Fatalf("agent PUT: %d", status)
		}
		s.JSON(t, "GET", "/api/v1/public/official-channels", "", nil, http.StatusOK, &got)
		if len(got.Channels) != 2 {
			t.Fatalf("channels changed by refused requests: %v", got.Channels)
		}
	})
}

func TestVerifyPage(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	req := s.NewRequest(t, "GET", "/verify", nil)
	resp, body := s.RoundTrip(t, req)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("verify.js")) || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("GET /verify: %d %s", resp.StatusCode, body)
	}
	for _, asset := range []string{"/static/verify/verify.js", "/static/verify/verify.css"} {
		if status, _ := s.Do(t, "GET", asset, "", nil); status != 200 {
			t.Errorf("%s: %d", asset, status)
		}
	}
}

// contactRows counts every row mentioning the contact or its conversations.
func contactRows(t *testing.T, s *apptest.Server, contactID string, convs []string) map[string]int {
	t.Helper()
	out := map[string]int{"contacts": s.Count(t, "SELECT COUNT(*) FROM contacts WHERE id = ?", contactID),
		"conversations": s.Count(t, "SELECT COUNT(*) FROM conversations WHERE contact_id = ?", contactID)}
	for _, c := range convs {
		for _, table := range []string{"messages", "events", "attachments", "conversation_tags"} {
			out[table] += s.Count(t, "SELECT COUNT(*) FROM "+table+" WHERE conversation_id = ?", c)
		}
		out["events mentioning"] += s.Count(t, "SELECT COUNT(*) FROM events WHERE payload LIKE ?", "%"+c+"%")
	}
	if contactID != "" {
		out["events mentioning"] += s.Count(t, "SELECT COUNT(*) FROM events WHERE payload LIKE ?", "%"+contactID+"%")
	}
	return out
}

func TestContactExportAndDelete(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		var secret string
		if err := s.App.DB.QueryRow(context.Background(), "SELECT hmac_secret FROM inboxes WHERE public_key = ?", s.InboxKey).Scan(&secret); err != nil {
			t.Fatal(err)
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("user-42"))
		ident := map[string]string{"name": "Li Lei", "email": "li@example.com", "user_id": "user-42", "user_hash": hex.EncodeToString(mac.Sum(nil))}
		st := s.StartConversationWith(t, ident)
		conv1, tok := st.ConversationID, st.ContactToken
		s.Send(t, conv1, tok, "a", "my words: the transfer to "+evmAddr+" is stuck")
		s.Reply(t, conv1, "checking", false)
		s.Reply(t, conv1, "internal note about Li", true)
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv1, s.AdminToken, map[string]any{"tags": []string{"vip"}}, http.StatusOK, nil)
		status, b := s.Upload(t, "/api/v1/widget/conversations/"+conv1+"/attachments", tok, "shot.png", apptest.PNG(t), map[string]string{"client_message_id": "up"})
		if status != http.StatusCreated {
			t.Fatalf("upload: %d %s", status, b)
		}
		// A second conversation of the same (identified) contact.
		st2 := s.StartConversationWith(t, ident)
		if st2.ContactID != st.ContactID {
			t.Fatalf("second conversation has contact %s, want %s", st2.ContactID, st.ContactID)
		}
		s.Send(t, st2.ConversationID, st2.ContactToken, "b", "second thread")
		// Someone else, who must be untouched.
		other, otherTok := s.StartConversation(t)
		s.Send(t, other, otherTok, "o", "unrelated")

		var ex struct {
			Contact struct {
				ID, Name, Email string
			} `json:"contact"`
			Conversations []struct {
				ID          string            `json:"id"`
				Tags        []string          `json:"tags"`
				Attributes  map[string]string `json:"attributes"`
				Messages    []message         `json:"messages"`
				Attachments []struct {
					ID, Filename string
					Size         int64
				} `json:"attachments"`
			} `json:"conversations"`
		}
		contactID := st.ContactID
		s.JSON(t, "GET", "/api/v1/contacts/"+contactID+"/export", s.AdminToken, nil, http.StatusOK, &ex)
		if ex.Contact.ID != contactID || ex.Contact.Name != "Li Lei" || ex.Contact.Email != "li@example.com" {
			t.Fatalf("export contact %+v", ex.Contact)
		}
		convIDs := []string{}
		for _, c := range ex.Conversations {
			convIDs = append(convIDs, c.ID)
		}
		if len(ex.Conversations) < 1 || ex.Conversations[0].ID != conv1 {
			t.Fatalf("export conversations %v", convIDs)
		}
		c1 := ex.Conversations[0]
		dirs := []string{}
		for _, m := range c1.Messages {
			dirs = append(dirs, m.Direction)
		}
		if len(c1.Messages) != 4 || strings.Join(dirs, ",") != "inbound,outbound,note,inbound" || len(c1.Attachments) != 1 ||
			c1.Attachments[0].Filename != "shot.png" || c1.Tags[0] != "vip" || c1.Attributes["wallet.evm.address"] != evmAddr {
			t.Fatalf("export conversation %+v", c1)
		}
		if len(ex.Conversations) != 2 || ex.Conversations[1].ID != st2.ConversationID || len(ex.Conversations[1].Messages) != 1 {
			t.Fatalf("second conversation %v", convIDs)
		}

		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		for _, rq := range [][2]string{{"GET", "/export"}, {"DELETE", ""}} {
			if status, _ := s.Do(t, rq[0], "/api/v1/contacts/"+contactID+rq[1], agent.Token, nil); status != http.StatusForbidden {
				t.Fatalf("agent %s: %d", rq[0], status)
			}
		}
		if files := s.AttachmentFiles(t); len(files) != 1 {
			t.Fatalf("files before delete %v", files)
		}
		otherMsgs := s.Messages(t, other)

		if status, b := s.Do(t, "DELETE", "/api/v1/contacts/"+contactID, s.AdminToken, nil); status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", status, b)
		}
		for k, n := range contactRows(t, s, contactID, convIDs) {
			if n != 0 {
				t.Errorf("%s: %d rows left", k, n)
			}
		}
		if files := s.AttachmentFiles(t); len(files) != 0 {
			t.Errorf("files left %v", files)
		}
		if status, _ := s.Do(t, "GET", "/api/v1/contacts/"+contactID, s.AdminToken, nil); status != http.StatusNotFound {
			t.Errorf("contact still readable: %d", status)
		}
		if status, _ := s.Do(t, "DELETE", "/api/v1/contacts/"+contactID, s.AdminToken, nil); status != http.StatusNotFound {
			t.Errorf("second delete: %d", status)
		}
		if got := s.Messages(t, other); got != otherMsgs {
			t.Errorf("other conversation lost messages: %d → %d", otherMsgs, got)
		}
	})
}

func TestRetentionPurge(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		mk := func(status string) (string, string) {
			conv, tok := s.StartConversation(t)
			s.Send(t, conv, tok, "m", "hello "+status)
			status2, b := s.Upload(t, "/api/v1/widget/conversations/"+conv+"/attachments", tok, "a.png", apptest.PNG(t), map[string]string{"client_message_id": "u"})
			if status2 != http.StatusCreated {
				t.Fatalf("upload: %d %s", status2, b)
			}
			if status != "open" {
				s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]any{"status": status, "tags": []string{"t"}}, http.StatusOK, nil)
			}
			return conv, tok
		}
		oldClosed, _ := mk("closed")
		oldOpen, _ := mk("open")
		oldResolved, _ := mk("resolved")
		newClosed, _ := mk("closed")
		now := time.Now()
		old := now.Add(-40 * 24 * time.Hour).UnixMilli()
		for _, c := range []string{oldClosed, oldOpen, oldResolved} {
			if _, err := s.App.DB.Exec(ctx, "UPDATE conversations SET last_activity_at = ? WHERE id = ?", old, c); err != nil {
				t.Fatal(err)
			}
		}
		r := s.App.Retention
		r.Days = 30
		r.Now = func() time.Time { return now }
		n, err := r.PurgeOnce(ctx)
		if err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		for k, v := range contactRows(t, s, "", []string{oldClosed}) {
			if k != "contacts" && v != 0 {
				t.Errorf("%s: %d rows left of the purged conversation", k, v)
			}
		}
		if s.Count(t, "SELECT COUNT(*) FROM conversations WHERE id = ?", oldClosed) != 0 {
			t.Error("old closed conversation kept")
		}
		for _, c := range []string{oldOpen, oldResolved, newClosed} {
			if s.Count(t, "SELECT COUNT(*) FROM conversations WHERE id = ?", c) != 1 || s.Messages(t, c) != 2 {
				t.Errorf("%s was purged", c)
			}
		}
		if files := s.AttachmentFiles(t); len(files) != 3 {
			t.Errorf("files %v, want 3 left", files)
		}
		// Later, the new closed one is due too; Days 0 purges nothing.
		r.Now = func() time.Time { return now.Add(31 * 24 * time.Hour) }
		r.Days = 0
		if n, _ := r.PurgeOnce(ctx); n != 0 {
			t.Fatalf("days 0 purged %d", n)
		}
		r.Days = 30
		if n, err := r.PurgeOnce(ctx); err != nil || n != 1 {
			t.Fatalf("second purge: %d %v", n, err)
		}
	})
}
