package webchat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
)

// Finding 5: the contact's name and email, client_message_id, file names
// and text files carry no secret into the database or back out.
func TestVisitorFieldsNeverStoreSecrets(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		startPath := "/api/v1/widget/" + s.InboxKey + "/conversations"
		convs := map[string]string{}

		// A name holding a mnemonic is stored with the marker instead.
		for _, name := range []string{testMnemonics[0], "王 " + mnemonicZH, strings.ReplaceAll(testMnemonics[0], " ", "_")} {
			st := s.StartConversationWith(t, map[string]string{"name": name})
			convs[st.ConversationID] = st.ContactToken
			c, err := s.App.Convs.Contact(context.Background(), st.ContactID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(c.Name, guard.MarkerMnemonic) {
				t.Fatalf("name %q stored as %q", name, c.Name)
			}
		}
		conv, tok := s.StartConversation(t)
		convs[conv] = tok

		// An email holding one is refused, and nothing is written.
		before := s.Snapshot(t)
		for _, email := range []string{strings.ReplaceAll(testMnemonics[0], " ", ".") + "@example.com",
			"0x" + keyHex + "@example.com", strings.ReplaceAll(testMnemonics[0], " ", "-") + "@example.com"} {
			status, b := s.Do(t, "POST", startPath, "", map[string]string{"name": "A", "email": email})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("email %q: %d %s", email, status, b)
			}
			if msg := errorMessage(t, b); !strings.Contains(msg, "seed phrase") || !strings.Contains(msg, "助记词") {
				t.Fatalf("email refusal not clear in both languages: %s", msg)
			}
		}
		s.AssertNothingWritten(t, before)

		// A client_message_id holding one is refused.
		sendPath := "/api/v1/widget/conversations/" + conv + "/messages"
		before = s.Snapshot(t, conv)
		for _, cid := range []string{strings.ReplaceAll(testMnemonics[0], " ", "-"), strings.ReplaceAll(testMnemonics[0], " ", "_"),
			testMnemonics[0], "0x" + keyHex} {
			status, b := s.Do(t, "POST", sendPath, tok, map[string]string{"client_message_id": cid, "body": "hi"})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("client id %q: %d %s", cid, status, b)
			}
			status, b = s.Upload(t, "/api/v1/widget/conversations/"+conv+"/attachments", tok, "a.png", apptest.PNG(t),
				map[string]string{"client_message_id": cid})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("upload with client id %q: %d %s", cid, status, b)
			}
		}
		s.AssertNothingWritten(t, before, conv)

		// Text files holding a secret are refused with a clear message;
		// nothing is written, not even the file.
		uploadPath := "/api/v1/widget/conversations/" + conv + "/attachments"
		for _, tc := range []struct {
			name, filename, content, want, wantZH string
		}{
			{"mnemonic in a .txt", "backup.txt", "my wallet backup\n" + testMnemonics[0] + "\n", "seed phrase", "助记词"},
			{"Chinese mnemonic in a .txt", "备份.txt", "助记词：" + mnemonicZH, "seed phrase", "助记词"},
			{"mnemonic in a .csv", "words.csv", "n,word\n" + csvWords(testMnemonics[0]), "seed phrase", "助记词"},
			{"mnemonic in a .json", "wallet.json", `{"mnemonic":"` + testMnemonics[1] + `"}`, "seed phrase", "助记词"},
			{"keystore file", "UTC--2024-01-01T00-00-00.0Z--008aeeda", keystoreJSON, "keystore", "keystore"},
			{"keystore as .json", "keystore.json", keystoreJSON, "keystore", "keystore"},
			{"private key", "key.txt", "0x" + keyHex, "private key", "私钥"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := s.Snapshot(t, conv)
				status, b := s.Upload(t, uploadPath, tok, tc.filename, []byte(tc.content), map[string]string{"client_message_id": "f-" + squash(tc.name)})
				if status != http.StatusUnprocessableEntity || apptest.ErrorCode(t, b) != "contains_secret" {
					t.Fatalf("%d %s, want 422 contains_secret", status, b)
				}
				if msg := errorMessage(t, b); !strings.Contains(msg, tc.want) || !strings.Contains(msg, tc.wantZH) || !strings.Contains(msg, "未上传") {
					t.Fatalf("message %q lacks %q / %q", msg, tc.want, tc.wantZH)
				}
				s.AssertNothingWritten(t, before, conv)
			})
		}
		// An agent cannot send one either.
		status, b := s.Upload(t, "/api/v1/conversations/"+conv+"/attachments", s.AdminToken, "k.txt", []byte(testMnemonics[0]), nil)
		if status != http.StatusUnprocessableEntity || apptest.ErrorCode(t, b) != "contains_secret" {
			t.Fatalf("agent text upload: %d %s", status, b)
		}

		// A file name holding a secret is kept with the marker; an
		// ordinary text file passes.
		for i, name := range []string{testMnemonics[0] + ".png", strings.ReplaceAll(testMnemonics[0], " ", "_") + ".png", "0x" + keyHex + ".png"} {
			status, b := s.Upload(t, uploadPath, tok, name, apptest.PNG(t), map[string]string{"client_message_id": "n-" + string(rune('0'+i))})
			if status != http.StatusCreated {
				t.Fatalf("upload named %q: %d %s", name, status, b)
			}
		}
		if status, b := s.Upload(t, uploadPath, tok, "notes.txt", []byte("tx 0x5c50 pending since Monday\n"), nil); status != http.StatusCreated {
			t.Fatalf("ordinary text: %d %s", status, b)
		}
		names := 0
		for _, m := range agentMessages(t, s, conv) {
			for _, a := range m.Attachments {
				if strings.Contains(a.Filename, guard.MarkerMnemonic) || strings.Contains(a.Filename, guard.MarkerPrivateKey) {
					names++
				}
			}
		}
		if names != 3 {
			t.Fatalf("%d file names carry the marker, want 3", names)
		}

		assertStoredNowhere(t, s, convs)
	})
}

// Finding 7: the upload acknowledgement says when the guard redacted the
// message text, with the stored body, as the message acknowledgement does.
func TestUploadAckSaysRedacted(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		path := "/api/v1/widget/conversations/" + conv + "/attachments"
		fields := map[string]string{"body": "my seed is " + testMnemonics[0], "client_message_id": "up-secret"}
		for _, want := range []int{http.StatusCreated, http.StatusOK} { // the first time, then a retry
			status, b := s.Upload(t, path, tok, "error.png", apptest.PNG(t), fields)
			if status != want {
				t.Fatalf("upload: %d %s, want %d", status, b, want)
			}
			var ack struct {
				MessageID string `json:"message_id"`
				Seq       int64  `json:"seq"`
				Redacted  bool   `json:"redacted"`
				Body      string `json:"body"`
			}
			if err := json.Unmarshal(b, &ack); err != nil {
				t.Fatal(err)
			}
			if !ack.Redacted || !strings.Contains(ack.Body, guard.MarkerMnemonic) || strings.Contains(ack.Body, "winner") {
				t.Fatalf("ack %s: want redacted with the stored body", b)
			}
		}
		// Without a secret the ack carries neither.
		status, b := s.Upload(t, path, tok, "error.png", apptest.PNG(t), map[string]string{"body": "see the error", "client_message_id": "up-plain"})
		if status != http.StatusCreated || strings.Contains(string(b), "redacted") || strings.Contains(string(b), `"body"`) {
			t.Fatalf("plain upload ack: %d %s", status, b)
		}
	})
}

// Finding 7: the name a file is listed and downloaded under ends in the
// extension of its sniffed type, whatever the client called it, and has
// no control characters.
func TestUploadNameFollowsSniffedType(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		path := "/api/v1/widget/conversations/" + conv + "/attachments"
		for _, tc := range []struct {
			name, sent      string
			content         []byte
			wantName, ctype string
		}{
			{"exe that is a PNG", "setup.exe", apptest.PNG(t), "setup.png", "image/png"},
			{"html that is text", "page.html", []byte("plain words, no markup\n"), "page.txt", "text/plain; charset=utf-8"},
			{"svg that is text", "logo.svg", []byte("hello\n"), "logo.txt", "text/plain; charset=utf-8"},
			{"fitting name kept", "Photo.PNG", apptest.PNG(t), "Photo.PNG", "image/png"},
			{"csv kept", "report.csv", []byte("a,b\n1,2\n"), "report.csv", "text/plain; charset=utf-8"},
			{"no extension", "screenshot", apptest.PNG(t), "screenshot.png", "image/png"},
			{"direction override", "invoice\u202egnp.exe", apptest.PNG(t), "invoicegnp.png", "image/png"},
			// Sent RFC 2231-encoded (filename*=UTF-8''a%00b…), as a raw
			// client can: control characters cannot be put in the header
			// as they are.
			{"control characters", "a\x00b\x07c\x1bd\x7f\ne.png", apptest.PNG(t), "abcd e.png", "image/png"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, b := uploadEncodedName(t, s, path, tok, tc.sent, tc.content)
				if status != http.StatusCreated {
					t.Fatalf("upload: %d %s", status, b)
				}
				msgs := widgetMessages(t, s, conv, tok, 0)
				att := msgs[len(msgs)-1].Attachments[0]
				if att.Filename != tc.wantName || att.ContentType != tc.ctype {
					t.Fatalf("stored as %q %q, want %q %q", att.Filename, att.ContentType, tc.wantName, tc.ctype)
				}
				st, hdr, _ := download(t, s, path+"/"+att.ID, tok)
				if st != 200 || hdr.Get("Content-Type") != tc.ctype || !strings.Contains(hdr.Get("Content-Disposition"), tc.wantName) {
					t.Fatalf("download %d %v", st, hdr)
				}
			})
		}
	})
}

// Finding 7: nothing a contact receives carries the global message row id,
// which would tell every visitor how many messages the desk handles.
func TestContactAPIHidesGlobalMessageIDs(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		other, otherTok := s.StartConversation(t)
		for i := range 5 {
			s.Send(t, other, otherTok, "o-"+string(rune('a'+i)), "someone else's message")
		}
		conv, tok := s.StartConversation(t)
		ws := pump(t, s.DialWS(t, "/ws/contact?conversation="+conv, tok))
		ack := s.Send(t, conv, tok, "mine-1", "hello")
		s.Reply(t, conv, "hi, how can we help?", false)

		rowIDs := map[string]bool{}
		for _, m := range agentMessages(t, s, conv) {
			rowIDs[m.ID] = true
		}
		if len(rowIDs) != 2 {
			t.Fatalf("agent messages %v", rowIDs)
		}
		if rowIDs[ack.MessageID] || ack.MessageID != conversation.ContactMessageID(conv, ack.Seq) {
			t.Fatalf("ack message_id %q is the row id (row ids %v)", ack.MessageID, rowIDs)
		}
		status, b := s.Upload(t, "/api/v1/widget/conversations/"+conv+"/attachments", tok, "a.png", apptest.PNG(t), nil)
		var upAck apptest.Ack
		if status != http.StatusCreated || json.Unmarshal(b, &upAck) != nil || rowIDs[upAck.MessageID] || upAck.MessageID == "" {
			t.Fatalf("upload ack %d %s", status, b)
		}
		for _, m := range widgetMessages(t, s, conv, tok, 0) {
			if rowIDs[m.ID] || m.ID != conversation.ContactMessageID(conv, m.Seq) {
				t.Fatalf("widget message id %q (row ids %v)", m.ID, rowIDs)
			}
		}
		_, raw := s.Do(t, "GET", "/api/v1/widget/conversations/"+conv+"/messages", tok, nil)
		if strings.Contains(string(raw), `"author_id"`) {
			t.Fatalf("widget messages carry author ids: %s", raw)
		}
		for seq := int64(1); seq <= 2; seq++ {
			f := await(t, ws, "message frame", func(f map[string]any) bool {
				m, _ := f["message"].(map[string]any)
				return f["type"] == "message" && m["seq"] == float64(seq)
			})
			m := f["message"].(map[string]any)
			if id, _ := m["id"].(string); rowIDs[id] || id != conversation.ContactMessageID(conv, seq) {
				t.Fatalf("/ws/contact frame carries id %v (row ids %v)", m["id"], rowIDs)
			}
			if _, ok := m["author_id"]; ok {
				t.Fatalf("/ws/contact frame carries author_id: %v", m)
			}
		}
	})
}

// A text upload is scanned whole, so it has its own, smaller limit: the
// guard's work per upload stays bounded whatever --max-upload-bytes is.
func TestTextUploadLimit(t *testing.T) {
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.MaxUploadBytes = 4 << 20 })
	conv, tok := s.StartConversation(t)
	path := "/api/v1/widget/conversations/" + conv + "/attachments"
	before := s.Snapshot(t, conv)
	text := bytes.Repeat([]byte("pending transfer log line\n"), attachment.MaxTextBytes/26+1)
	status, b := s.Upload(t, path, tok, "log.txt", text[:attachment.MaxTextBytes+1], nil)
	if status != http.StatusRequestEntityTooLarge || apptest.ErrorCode(t, b) != "too_large" {
		t.Fatalf("text over the limit: %d %s", status, b)
	}
	s.AssertNothingWritten(t, before, conv)
	if status, b := s.Upload(t, path, tok, "log.txt", text[:attachment.MaxTextBytes], nil); status != http.StatusCreated {
		t.Fatalf("text at the limit: %d %s", status, b)
	}
	img := append(apptest.PNG(t), bytes.Repeat([]byte{0}, 2<<20)...)
	if status, b := s.Upload(t, path, tok, "big.png", img, nil); status != http.StatusCreated {
		t.Fatalf("a 2 MiB image: %d %s", status, b)
	}
}
