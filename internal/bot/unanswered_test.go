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
		for _, g := range out.Groups {
			if g.Kind != bot.GroupNoArticle || len(g.Articles) != 0 {
				t.Errorf("group %+v: want kind no_article without articles", g)
			}
		}

		// An answer marked not solved is listed apart, with its article.
		convID, tok := s.StartConversation(t)
		s.Send(t, convID, tok, "q", "How do I back up my seed phrase?")
		ans := waitBot(t, s, convID, 1)
		feedback(t, s, convID, tok, ans.Seq, "not_solved", "", http.StatusOK)
		waitBot(t, s, convID, 2)
		s.JSON(t, "GET", "/api/v1/bot/unanswered?days=7", s.AdminToken, nil, http.StatusOK, &out)
		var notHelpful []bot.Group
		for _, g := range out.Groups {
			if g.Kind == bot.GroupNotHelpful {
				notHelpful = append(notHelpful, g)
			}
		}
		if len(notHelpful) != 1 {
			t.Fatalf("groups after a not-solved answer = %+v, want one not_helpful group", out.Groups)
		}
		nh := notHelpful[0]
		if nh.Count != 1 || nh.Label != "How do I back up my seed phrase?" || len(nh.Articles) != 1 ||
			nh.Articles[0].ID != ans.Meta.Articles[0].ID || !strings.Contains(nh.Articles[0].URL, "/help/en/"+nh.Articles[0].ID) ||
			nh.Articles[0].Title == "" {
			t.Fatalf("not-helpful group = %+v, want the question with the article %+v", nh, ans.Meta.Articles)
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
