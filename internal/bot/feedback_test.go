package bot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/config"
)

func TestBotSuggestionsAndChoosing(t *testing.T) {
	// An answer threshold no question reaches and a suggestion threshold
	// every article does: the bot only suggests, always three.
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.BotAnswer, c.BotSuggest = 0.9999, 1e-12 })
	s.EnableBot(t)
	convID, tok := s.StartConversation(t)
	a := s.Send(t, convID, tok, "q1", "跨链桥资产没到")
	m := waitBot(t, s, convID, 1)
	d := waitDecision(t, s, convID, a.Seq)
	if m.Meta.Kind != "suggestions" || len(m.Meta.Articles) != 3 || d.Outcome != bot.OutcomeSuggested {
		t.Fatalf("bot message = %+v, decision %+v; want 3 suggestions", m, d)
	}
	var bridge bool
	for _, a := range m.Meta.Articles {
		bridge = bridge || a.ID == "bridge-stuck" || a.ID == "bridge-delays"
	}
	if !bridge {
		t.Fatalf("suggestions %+v have neither bridge article", m.Meta.Articles)
	}
	pick := m.Meta.Articles[1]
	// solved is not a button of suggestions; an article that was not offered
	// cannot be chosen.
	feedback(t, s, convID, tok, m.Seq, "solved", "", http.StatusBadRequest)
	feedback(t, s, convID, tok, m.Seq, "choose", "backup-mnemonic", http.StatusBadRequest)
	feedback(t, s, convID, tok, m.Seq, "choose", pick.ID, http.StatusOK)
	ans := waitBot(t, s, convID, 2)
	if ans.Meta.Kind != "answer" || ans.Meta.Articles[0].ID != pick.ID || ans.Meta.Articles[0].Locale != "zh-CN" {
		t.Fatalf("chosen answer = %+v, want %s", ans, pick.ID)
	}
	// The chosen answer has its own buttons.
	feedback(t, s, convID, tok, ans.Seq, "solved", "", http.StatusOK)
	if m := waitBot(t, s, convID, 3); m.Meta.Kind != "solved" {
		t.Fatalf("after solved: %+v", m)
	}
	var chosen bool
	for _, d := range decisions(t, s, convID) {
		if d.Outcome == bot.OutcomeChosen && d.ArticleID == pick.ID && d.Feedback == bot.FeedbackSolved {
			chosen = true
		}
	}
	if !chosen {
		t.Fatalf("no chosen decision with feedback in %+v", decisions(t, s, convID))
	}
}

func TestBotFeedbackBadInput(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		convID, tok := s.StartConversation(t)
		q := s.Send(t, convID, tok, "q1", "How do I back up my seed phrase?")
		ans := waitBot(t, s, convID, 1)
		_, otherTok := s.StartConversation(t)
		path := "/api/v1/widget/conversations/" + convID + "/bot-feedback"
		cases := []struct {
			name, tok string
			body      any
			status    int
			code      string
		}{
			{"malformed JSON", tok, "{", 400, "malformed_json"},
			{"unknown action", tok, map[string]any{"seq": ans.Seq, "action": "maybe"}, 400, "invalid"},
			{"no seq", tok, map[string]any{"action": "solved"}, 400, "invalid"},
			{"choose without article", tok, map[string]any{"seq": ans.Seq, "action": "choose"}, 400, "invalid"},
			{"choose on an answer", tok, map[string]any{"seq": ans.Seq, "action": "choose", "article_id": "backup-mnemonic"}, 400, "invalid"},
			{"the contact's own message", tok, map[string]any{"seq": q.Seq, "action": "solved"}, 404, "not_found"},
			{"unknown seq", tok, map[string]any{"seq": 999, "action": "solved"}, 404, "not_found"},
			{"another contact's conversation", otherTok, map[string]any{"seq": ans.Seq, "action": "solved"}, 404, "not_found"},
			{"no token", "", map[string]any{"seq": ans.Seq, "action": "solved"}, 401, ""},
			{"too large", tok, `{"seq":1,"action":"` + strings.Repeat("a", apptest.MaxRequestBytes) + `"}`, 413, "too_large"},
		}
		for _, c := range cases {
			st, body := s.Do(t, "POST", path, c.tok, c.body)
			if st != c.status {
				t.Errorf("%s: HTTP %d %s, want %d", c.name, st, body, c.status)
				continue
			}
			if c.code != "" && apptest.ErrorCode(t, body) != c.code {
				t.Errorf("%s: code %s, want %s", c.name, apptest.ErrorCode(t, body), c.code)
			}
		}
		// Nothing was recorded and the bot said nothing more.
		if d := decisions(t, s, convID); len(d) != 1 || d[0].Feedback != "" {
			t.Fatalf("decisions after bad feedback = %+v", d)
		}
		if n := len(botMessages(t, s, convID)); n != 1 {
			t.Fatalf("bot messages after bad feedback = %d", n)
		}
	})
}

// TestBotNotSolvedOffersAnotherWayOrAPerson: after "not solved" the reply
// has the buttons "ask another way" (the bot asks for other words) and
// "talk to a person" (the hand-off of a request, as typing "agent"); they
// are refused on other messages and answer once.
func TestBotNotSolvedOffersAnotherWayOrAPerson(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		notSolved := func(t *testing.T) (string, string, message) {
			convID, tok := s.StartConversation(t)
			s.Send(t, convID, tok, "q1", "How do I back up my seed phrase?")
			ans := waitBot(t, s, convID, 1)
			if ans.Meta.Kind != "answer" {
				t.Fatalf("first reply = %+v, want an answer", ans)
			}
			// The answer itself has no such buttons.
			feedback(t, s, convID, tok, ans.Seq, "handoff", "", http.StatusBadRequest)
			feedback(t, s, convID, tok, ans.Seq, "rephrase", "", http.StatusBadRequest)
			feedback(t, s, convID, tok, ans.Seq, "not_solved", "", http.StatusOK)
			m := waitBot(t, s, convID, 2)
			if m.Meta.Kind != "not_solved" || !strings.Contains(m.Body, "talk to a person") {
				t.Fatalf("reply to not solved = %+v", m)
			}
			return convID, tok, m
		}

		t.Run("talk to a person", func(t *testing.T) {
			convID, tok, m := notSolved(t)
			feedback(t, s, convID, tok, m.Seq, "handoff", "", http.StatusOK)
			h := waitBot(t, s, convID, 3)
			if h.Meta.Kind != "handoff" || h.Meta.Reason != bot.ReasonRequest || h.Meta.QueuePosition < 1 {
				t.Fatalf("after talk to a person: %+v", h)
			}
			c := getConv(t, s, convID)
			if c.Attributes[bot.AttrHandoff] != bot.ReasonRequest || c.Status != "open" {
				t.Fatalf("conversation after talk to a person = %+v", c)
			}
			var offered, handoff bool
			for _, d := range decisions(t, s, convID) {
				offered = offered || (d.ReplySeq == m.Seq && d.Feedback == bot.ActionHandoff)
				handoff = handoff || (d.Outcome == bot.OutcomeHandoff && d.Reason == bot.ReasonRequest && d.ReplySeq == h.Seq)
			}
			if !offered || !handoff {
				t.Fatalf("decisions = %+v, want the click and the hand-off logged", decisions(t, s, convID))
			}
			// One answer per message.
			feedback(t, s, convID, tok, m.Seq, "rephrase", "", http.StatusConflict)
		})

		t.Run("ask another way", func(t *testing.T) {
			convID, tok, m := notSolved(t)
			feedback(t, s, convID, tok, m.Seq, "rephrase", "", http.StatusOK)
			r := waitBot(t, s, convID, 3)
			if r.Meta.Kind != "rephrase" || !strings.Contains(r.Body, "in other words") {
				t.Fatalf("after ask another way: %+v", r)
			}
			if c := getConv(t, s, convID); c.Attributes[bot.AttrHandoff] != "" {
				t.Fatalf("ask another way handed off: %+v", c)
			}
			feedback(t, s, convID, tok, m.Seq, "handoff", "", http.StatusConflict)
		})
	})
}
