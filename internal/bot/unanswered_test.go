package bot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bot"
)

func TestUnansweredQuestionsAreGrouped(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		// Nothing asked yet: an empty list, not null.
		if st, body := s.Do(t, "GET", "/api/v1/bot/unanswered", s.AdminToken, nil); st != http.StatusOK || !strings.Contains(string(body), `"groups":[]`) {
			t.Fatalf("empty unanswered list: HTTP %d %s", st, body)
		}
		ask := func(q string) {
			convID, tok := s.StartConversation(t)
			a := s.Send(t, convID, tok, "q", q)
			waitDecision(t, s, convID, a.Seq)
		}
		for _, q := range []string{"我想开一张信用卡", "怎么申请信用卡", "信用卡怎么开通",
			"can I get a loan from you", "how do I get a loan", "what is the weather"} {
			ask(q)
		}
		ask("How do I back up my seed phrase?") // answered: not listed
		var out struct {
			Groups []bot.Group `json:"groups"`
		}
		s.JSON(t, "GET", "/api/v1/bot/unanswered?days=7", s.AdminToken, nil, http.StatusOK, &out)
		byLabel := map[string]bot.Group{}
		total := 0
		for _, g := range out.Groups {
			byLabel[g.Label] = g
			total += g.Count
			if g.ID == "" || g.LastSeen.IsZero() || len(g.Questions) == 0 {
				t.Errorf("incomplete group %+v", g)
			}
		}
		if total != 6 {
			t.Fatalf("groups %+v hold %d questions, want the 6 unanswered ones", out.Groups, total)
		}
		top := out.Groups[0]
		if top.Count != 3 || top.Locale != "zh-CN" {
			t.Fatalf("biggest group = %+v, want the 3 credit-card questions", top)
		}
		var loans *bot.Group
		for i, g := range out.Groups {
			if g.Locale == "en" && g.Count == 2 {
				loans = &out.Groups[i]
			}
		}
		if loans == nil {
			t.Fatalf("the two loan questions are not one group: %+v", out.Groups)
		}

		// Agents may not see it; bad days are refused.
		agent := s.CreateAgent(t, "agent@example.com", "Agent", "agent")
		sess := s.LoginAgent(t, agent)
		if st, _ := s.DoSession(t, "GET", "/api/v1/bot/unanswered", sess, "", nil); st != http.StatusForbidden {
			t.Fatalf("agent got HTTP %d, want 403", st)
		}
		for _, d := range []string{"0", "x", "400"} {
			st, body := s.Do(t, "GET", "/api/v1/bot/unanswered?days="+d, s.AdminToken, nil)
			if st != http.StatusBadRequest || apptest.ErrorCode(t, body) != "invalid" {
				t.Fatalf("days=%s: %d %s", d, st, body)
			}
		}
	})
}
