package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
)

// The Chinese (simplified) words for the entropy of testMnemonics[0], and a
// private key (the well-known example from web3 documentation).
const (
	mnemonicZH = "枪 疫 霉 尝 俩 闹 饿 贤 枪 疫 霉 卿"
	keyHex     = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
)

// keystoreJSON is an encrypted Ethereum keystore as wallets export it.
const keystoreJSON = `{"address":"008aeeda4d805471df9b2a5b0f38a0c3bcba786b","crypto":{"cipher":"aes-128-ctr",
"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
"kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"p":8,"r":1,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}`

// squash keeps only the letters and digits of s, lower-cased, so a secret
// is found however its words were joined.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// secretRuns are the probes that must appear nowhere: every run of three
// words of the English and Chinese mnemonics, squashed, and the key.
func secretRuns() []string {
	var out []string
	for _, m := range []string{testMnemonics[0], mnemonicZH} {
		w := strings.Fields(m)
		for i := 0; i+3 <= len(w); i++ {
			out = append(out, squash(strings.Join(w[i:i+3], "")))
		}
	}
	return append(out, keyHex[:24], "d172bf743a674da9cdad")
}

// assertNoSecret fails t if text (squashed) holds any secret run.
func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	sq := squash(text)
	for _, run := range secretRuns() {
		if strings.Contains(sq, run) {
			t.Fatalf("%s holds %q", where, run)
		}
	}
}

// tableText is every visitor-reachable text column of the database.
func tableText(t *testing.T, s *apptest.Server) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT name || ' ' || email || ' ' || COALESCE(external_id, '') || ' ' || attributes FROM contacts",
		"SELECT body || ' ' || COALESCE(client_message_id, '') || ' ' || attachments || ' ' || meta FROM messages",
		"SELECT payload FROM events",
		"SELECT filename FROM attachments",
		"SELECT attributes FROM conversations",
		"SELECT action || ' ' || COALESCE(details, '') FROM audit_log",
	} {
		rows, err := s.App.DB.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			b.WriteString(v + "\n")
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// assertStoredNowhere checks the tables, the API output for every given
// conversation, the attachment files and, on SQLite, the database files.
func assertStoredNowhere(t *testing.T, s *apptest.Server, convs map[string]string) {
	t.Helper()
	assertNoSecret(t, "the database tables", tableText(t, s))
	for conv, tok := range convs {
		for _, get := range []struct{ path, token string }{
			{"/api/v1/conversations/" + conv + "/messages", s.AdminToken},
			{"/api/v1/conversations/" + conv, s.AdminToken},
			{"/api/v1/widget/conversations/" + conv + "/messages", tok},
		} {
			_, b := s.Do(t, "GET", get.path, get.token, nil)
			assertNoSecret(t, "GET "+get.path, string(b))
		}
		var c convJSON
		s.JSON(t, "GET", "/api/v1/conversations/"+conv, s.AdminToken, nil, http.StatusOK, &c)
		_, b := s.Do(t, "GET", "/api/v1/contacts/"+c.ContactID, s.AdminToken, nil)
		assertNoSecret(t, "GET contact", string(b))
	}
	for _, f := range attachmentFiles(t, s) {
		b, err := os.ReadFile(filepath.Join(s.DataDir, "attachments", f))
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecret(t, "attachment file "+f, string(b))
	}
	files, _ := filepath.Glob(filepath.Join(s.DataDir, "huiying.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// The file's text is mostly not letters; look for the runs as
		// they would be written, joined by any of the separators used.
		for _, m := range []string{testMnemonics[0], mnemonicZH} {
			for _, sep := range []string{" ", "_", "-", ".", ","} {
				for _, w := range windows(m) {
					if strings.Contains(string(b), strings.ReplaceAll(w, " ", sep)) {
						t.Fatalf("%s holds %q", filepath.Base(f), w)
					}
				}
			}
		}
		if strings.Contains(string(b), keyHex[:24]) {
			t.Fatalf("%s holds the private key", filepath.Base(f))
		}
	}
}

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
		png := pngBytes(t)
		routes := []struct {
			name string
			send func(body, cid string) (int, []byte)
		}{
			{"message", func(body, cid string) (int, []byte) {
				return s.Do(t, "POST", "/api/v1/conversations/"+conv+"/messages", s.AdminToken,
					map[string]any{"body": body, "client_message_id": cid})
			}},
			{"upload", func(body, cid string) (int, []byte) {
				return upload(t, s, "/api/v1/conversations/"+conv+"/attachments", s.AdminToken, "steps.png", png,
					map[string]string{"body": body, "client_message_id": cid})
			}},
		}
		asks := []string{"Please send me your seed phrase so we can restore the wallet",
			"请把您的助记词发给我，我们帮您恢复钱包"}
		before := snapshot(t, s, conv)
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
		assertNothingWritten(t, s, before, conv)
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
		before := snapshot(t, s)
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
		assertNothingWritten(t, s, before)

		// A client_message_id holding one is refused.
		sendPath := "/api/v1/widget/conversations/" + conv + "/messages"
		before = snapshot(t, s, conv)
		for _, cid := range []string{strings.ReplaceAll(testMnemonics[0], " ", "-"), strings.ReplaceAll(testMnemonics[0], " ", "_"),
			testMnemonics[0], "0x" + keyHex} {
			status, b := s.Do(t, "POST", sendPath, tok, map[string]string{"client_message_id": cid, "body": "hi"})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("client id %q: %d %s", cid, status, b)
			}
			status, b = upload(t, s, "/api/v1/widget/conversations/"+conv+"/attachments", tok, "a.png", pngBytes(t),
				map[string]string{"client_message_id": cid})
			if status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("upload with client id %q: %d %s", cid, status, b)
			}
		}
		assertNothingWritten(t, s, before, conv)

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
				before := snapshot(t, s, conv)
				status, b := upload(t, s, uploadPath, tok, tc.filename, []byte(tc.content), map[string]string{"client_message_id": "f-" + squash(tc.name)})
				if status != http.StatusUnprocessableEntity || apptest.ErrorCode(t, b) != "contains_secret" {
					t.Fatalf("%d %s, want 422 contains_secret", status, b)
				}
				if msg := errorMessage(t, b); !strings.Contains(msg, tc.want) || !strings.Contains(msg, tc.wantZH) || !strings.Contains(msg, "未上传") {
					t.Fatalf("message %q lacks %q / %q", msg, tc.want, tc.wantZH)
				}
				assertNothingWritten(t, s, before, conv)
			})
		}
		// An agent cannot send one either.
		status, b := upload(t, s, "/api/v1/conversations/"+conv+"/attachments", s.AdminToken, "k.txt", []byte(testMnemonics[0]), nil)
		if status != http.StatusUnprocessableEntity || apptest.ErrorCode(t, b) != "contains_secret" {
			t.Fatalf("agent text upload: %d %s", status, b)
		}

		// A file name holding a secret is kept with the marker; an
		// ordinary text file passes.
		for i, name := range []string{testMnemonics[0] + ".png", strings.ReplaceAll(testMnemonics[0], " ", "_") + ".png", "0x" + keyHex + ".png"} {
			status, b := upload(t, s, uploadPath, tok, name, pngBytes(t), map[string]string{"client_message_id": "n-" + string(rune('0'+i))})
			if status != http.StatusCreated {
				t.Fatalf("upload named %q: %d %s", name, status, b)
			}
		}
		if status, b := upload(t, s, uploadPath, tok, "notes.txt", []byte("tx 0x5c50 pending since Monday\n"), nil); status != http.StatusCreated {
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

// csvWords writes one word per row.
func csvWords(m string) string {
	var b strings.Builder
	for i, w := range strings.Fields(m) {
		b.WriteString(string(rune('1'+i%9)) + "," + w + "\n")
	}
	return b.String()
}

// Finding 7: the upload acknowledgement says when the guard redacted the
// message text, with the stored body, as the message acknowledgement does.
func TestUploadAckSaysRedacted(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		path := "/api/v1/widget/conversations/" + conv + "/attachments"
		fields := map[string]string{"body": "my seed is " + testMnemonics[0], "client_message_id": "up-secret"}
		for _, want := range []int{http.StatusCreated, http.StatusOK} { // the first time, then a retry
			status, b := upload(t, s, path, tok, "error.png", pngBytes(t), fields)
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
		status, b := upload(t, s, path, tok, "error.png", pngBytes(t), map[string]string{"body": "see the error", "client_message_id": "up-plain"})
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
			{"exe that is a PNG", "setup.exe", pngBytes(t), "setup.png", "image/png"},
			{"html that is text", "page.html", []byte("plain words, no markup\n"), "page.txt", "text/plain; charset=utf-8"},
			{"svg that is text", "logo.svg", []byte("hello\n"), "logo.txt", "text/plain; charset=utf-8"},
			{"fitting name kept", "Photo.PNG", pngBytes(t), "Photo.PNG", "image/png"},
			{"csv kept", "report.csv", []byte("a,b\n1,2\n"), "report.csv", "text/plain; charset=utf-8"},
			{"no extension", "screenshot", pngBytes(t), "screenshot.png", "image/png"},
			{"direction override", "invoice\u202egnp.exe", pngBytes(t), "invoicegnp.png", "image/png"},
			// Sent RFC 2231-encoded (filename*=UTF-8''a%00b…), as a raw
			// client can: control characters cannot be put in the header
			// as they are.
			{"control characters", "a\x00b\x07c\x1bd\x7f\ne.png", pngBytes(t), "abcd e.png", "image/png"},
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

// Finding 7: tags and client ids with control characters are refused;
// contact, team and inbox names have them stripped.
func TestControlCharactersInNamesTagsAndIDs(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		before := snapshot(t, s, conv)
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
		assertNothingWritten(t, s, before, conv)

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

		before := snapshot(t, s, conv)
		status, b := s.Do(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"assignee_id": id})
		if status != http.StatusConflict || apptest.ErrorCode(t, b) != "conflict" {
			t.Fatalf("assign to a deactivated agent: %d %s", status, b)
		}
		if msg := errorMessage(t, b); !strings.Contains(msg, "deactivated") || !strings.Contains(msg, "停用") {
			t.Fatalf("message %q", msg)
		}
		assertNothingWritten(t, s, before, conv)
		// An active agent still can be assigned.
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, s.AdminToken, map[string]string{"assignee_id": "me"}, http.StatusOK, nil)
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
		ws := pump(t, dial(t, s, "/ws/contact?conversation="+conv, tok))
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
		status, b := upload(t, s, "/api/v1/widget/conversations/"+conv+"/attachments", tok, "a.png", pngBytes(t), nil)
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

// uploadEncodedName uploads content under a file name sent RFC 2231-encoded
// in the part's Content-Disposition, so it may hold any byte.
func uploadEncodedName(t *testing.T, s *apptest.Server, path, token, filename string, content []byte) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename*=UTF-8''`+url.PathEscape(filename))
	h.Set("Content-Type", "application/octet-stream")
	pw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", s.URL+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.DoRequest(t, req, token)
}

// A text upload is scanned whole, so it has its own, smaller limit: the
// guard's work per upload stays bounded whatever --max-upload-bytes is.
func TestTextUploadLimit(t *testing.T) {
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.MaxUploadBytes = 4 << 20 })
	conv, tok := s.StartConversation(t)
	path := "/api/v1/widget/conversations/" + conv + "/attachments"
	before := snapshot(t, s, conv)
	text := bytes.Repeat([]byte("pending transfer log line\n"), attachment.MaxTextBytes/26+1)
	status, b := upload(t, s, path, tok, "log.txt", text[:attachment.MaxTextBytes+1], nil)
	if status != http.StatusRequestEntityTooLarge || apptest.ErrorCode(t, b) != "too_large" {
		t.Fatalf("text over the limit: %d %s", status, b)
	}
	assertNothingWritten(t, s, before, conv)
	if status, b := upload(t, s, path, tok, "log.txt", text[:attachment.MaxTextBytes], nil); status != http.StatusCreated {
		t.Fatalf("text at the limit: %d %s", status, b)
	}
	img := append(pngBytes(t), bytes.Repeat([]byte{0}, 2<<20)...)
	if status, b := upload(t, s, path, tok, "big.png", img, nil); status != http.StatusCreated {
		t.Fatalf("a 2 MiB image: %d %s", status, b)
	}
}
