package webchat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/huiying/huiying/internal/app/apptest"
)

// Wallet secrets for the tests, and checks that none of them was stored.

// BIP39 test vectors (valid checksums).
var testMnemonics = []string{
	"legal winner thank year wave sausage worth useful legal winner thank yellow",
	"void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold",
}

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
	for _, f := range s.AttachmentFiles(t) {
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

// csvWords writes one word per row.
func csvWords(m string) string {
	var b strings.Builder
	for i, w := range strings.Fields(m) {
		b.WriteString(string(rune('1'+i%9)) + "," + w + "\n")
	}
	return b.String()
}

// windows returns every run of three consecutive words of the mnemonic.
func windows(m string) []string {
	w := strings.Fields(m)
	var out []string
	for i := 0; i+3 <= len(w); i++ {
		out = append(out, strings.Join(w[i:i+3], " "))
	}
	return out
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
