package bot_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/guard"
)

// A mnemonic sent in two halves: the bot has already logged the first half
// as a question it could not answer when the second completes it. Its copy
// is scrubbed too, and the unanswered groups no longer show it.
func TestBotScrubsQuestionsRedactedLater(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		// A BIP39 test vector (valid checksum).
		words := strings.Fields("legal winner thank year wave sausage worth useful legal winner thank yellow")
		first, second := strings.Join(words[:6], " "), strings.Join(words[6:], " ")
		convID, tok := s.StartConversation(t)
		a := s.Send(t, convID, tok, "half-1", first)
		if d := waitDecision(t, s, convID, a.Seq); d.Question != first {
			t.Fatalf("decision on the first half: %+v", d)
		}
		s.Send(t, convID, tok, "half-2", second)
		waitFor(t, "the bot's copy of the first half scrubbed", func() bool {
			for _, d := range decisions(t, s, convID) {
				if d.MessageSeq == a.Seq {
					return strings.Contains(d.Question, guard.MarkerMnemonic)
				}
			}
			return false
		})
		runs := []string{}
		for i := 0; i+3 <= len(words); i++ {
			runs = append(runs, strings.Join(words[i:i+3], " "))
		}
		for _, d := range decisions(t, s, convID) {
			for _, r := range runs {
				if strings.Contains(d.Question, r) {
					t.Errorf("decision %d keeps %q: %q", d.MessageSeq, r, d.Question)
				}
			}
		}
		var out struct {
			Groups []bot.Group `json:"groups"`
		}
		s.JSON(t, "GET", "/api/v1/bot/unanswered?days=7", s.AdminToken, nil, http.StatusOK, &out)
		for _, g := range out.Groups {
			for _, q := range append(g.Questions, g.Label) {
				for _, r := range runs {
					if strings.Contains(q, r) {
						t.Errorf("unanswered group %q keeps %q", g.Label, r)
					}
				}
			}
		}
		for _, table := range []string{"messages", "events", "bot_decisions"} {
			col := map[string]string{"messages": "body", "events": "payload", "bot_decisions": "question"}[table]
			for _, r := range runs {
				if n := s.Count(t, "SELECT COUNT(*) FROM "+table+" WHERE "+col+" LIKE ?", "%"+r+"%"); n != 0 {
					t.Errorf("%s.%s holds %q", table, col, r)
				}
			}
		}
		// On SQLite, the bot's scrub empties the write-ahead log too.
		files, _ := filepath.Glob(filepath.Join(s.DataDir, "huiying.db*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				if strings.Contains(string(b), r) {
					t.Errorf("%s holds %q", filepath.Base(f), r)
				}
			}
		}
	})
}
