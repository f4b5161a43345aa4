package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/safety"
	"github.com/huiying/huiying/internal/store/storetest"
)

// BIP39 test vectors (valid checksums).
var testMnemonics = []string{
	"legal winner thank year wave sausage worth useful legal winner thank yellow",
	"void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold",
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

// A visitor pastes a mnemonic: it never reaches the database, the agent sees
// the marker and a flag, and the visitor is warned.
func TestMnemonicNeverStored(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			s := apptest.Start(t, engine)
			conv, tok := s.StartConversation(t)
			bodies := []string{
				"我的钱包助记词是 " + testMnemonics[0] + " 为什么转账失败？",
				"here is my seed, please help:\n" + strings.ReplaceAll(testMnemonics[1], " ", ",\n"),
			}
			for i, b := range bodies {
				code, raw := s.Do(t, "POST", "/api/v1/widget/conversations/"+conv+"/messages", tok,
					map[string]string{"client_message_id": "m" + string(rune('0'+i)), "body": b})
				if code != http.StatusCreated {
					t.Fatalf("send: %d %s", code, raw)
				}
				var ack struct {
					Redacted bool   `json:"redacted"`
					Body     string `json:"body"`
				}
				if err := json.Unmarshal(raw, &ack); err != nil {
					t.Fatal(err)
				}
				if !ack.Redacted || !strings.Contains(ack.Body, guard.MarkerMnemonic) {
					t.Fatalf("ack %s: want redacted with the marker", raw)
				}
			}

			// Nothing of the mnemonics in any table.
			for _, m := range testMnemonics {
				for _, w := range windows(m) {
					for _, q := range []string{
						"SELECT COUNT(*) FROM messages WHERE body LIKE ?",
						"SELECT COUNT(*) FROM events WHERE payload LIKE ?",
						"SELECT COUNT(*) FROM conversations WHERE attributes LIKE ?",
					} {
						if n := s.Count(t, q, "%"+w+"%"); n != 0 {
							t.Fatalf("%q found by %s", w, q)
						}
					}
				}
			}
			// On SQLite, not in the database files on disk either (WAL included).
			if engine == "sqlite" {
				files, _ := filepath.Glob(filepath.Join(s.DataDir, "huiying.db*"))
				if len(files) == 0 {
					t.Fatal("no database files found")
				}
				for _, f := range files {
					b, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range testMnemonics {
						for _, w := range windows(m) {
							if strings.Contains(string(b), w) {
								t.Fatalf("%s contains %q", filepath.Base(f), w)
							}
						}
					}
				}
			}

			// The agent sees the marker and the flag.
			var msgs struct {
				Messages []conversation.Message `json:"messages"`
			}
			s.JSON(t, "GET", "/api/v1/conversations/"+conv+"/messages", s.AdminToken, nil, http.StatusOK, &msgs)
			markers, warnings := 0, 0
			for _, m := range msgs.Messages {
				if m.Direction == conversation.Inbound && strings.Contains(m.Body, guard.MarkerMnemonic) {
					markers++
				}
				if m.Direction == conversation.System && m.Body == conversation.SecretWarning {
					warnings++
				}
			}
			if markers != 2 || warnings != 2 {
				t.Fatalf("agent sees %d markers and %d warnings, want 2 and 2: %+v", markers, warnings, msgs.Messages)
			}
			var c conversation.Conversation
			s.JSON(t, "GET", "/api/v1/conversations/"+conv, s.AdminToken, nil, http.StatusOK, &c)
			if c.Attributes[conversation.SecretAttribute] == "" {
				t.Fatalf("conversation not flagged: %+v", c.Attributes)
			}

			// The visitor sees the warning in both languages.
			var mine struct {
				Messages []conversation.Message `json:"messages"`
			}
			s.JSON(t, "GET", "/api/v1/widget/conversations/"+conv+"/messages", tok, nil, http.StatusOK, &mine)
			found := false
			for _, m := range mine.Messages {
				if m.Direction == conversation.System && strings.Contains(m.Body, "助记词") && strings.Contains(m.Body, "seed phrase") {
					found = true
				}
			}
			if !found {
				t.Fatalf("visitor got no warning: %+v", mine.Messages)
			}

			// A retry of a redacted message is a duplicate and does not warn again.
			code, _ := s.Do(t, "POST", "/api/v1/widget/conversations/"+conv+"/messages", tok,
				map[string]string{"client_message_id": "m0", "body": bodies[0]})
			if code != http.StatusOK {
				t.Fatalf("retry: status %d, want 200", code)
			}
			if n := s.Count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'system'", conv); n != 2 {
				t.Fatalf("%d warnings after a retry, want 2", n)
			}
		})
	}
}

// A visitor who reports fake support elsewhere is warned once, and agents
// see the flag.
func TestImpersonationReportWarnsOnce(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			s := apptest.Start(t, engine)
			conv, tok := s.StartConversation(t)
			s.Send(t, conv, tok, "a", "有个客服在电报上私信我，让我验证钱包")
			s.Send(t, conv, tok, "b", "the support agent on Telegram says my wallet is frozen")
			if n := s.Count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'system' AND body = ?",
				conv, safety.ImpersonationWarning); n != 1 {
				t.Fatalf("%d warnings, want exactly 1", n)
			}
			var c conversation.Conversation
			s.JSON(t, "GET", "/api/v1/conversations/"+conv, s.AdminToken, nil, http.StatusOK, &c)
			if c.Attributes[conversation.ImpersonationAttribute] != "true" {
				t.Fatalf("conversation not flagged: %+v", c.Attributes)
			}
			other, tok2 := s.StartConversation(t)
			s.Send(t, other, tok2, "c", "my transfer is pending")
			if n := s.Count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'system'", other); n != 0 {
				t.Fatalf("ordinary message got %d warnings", n)
			}
		})
	}
}
