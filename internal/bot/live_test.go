package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/store/storetest"
)

// message is a message as the APIs return it.
type message struct {
	Seq        int64     `json:"seq"`
	Direction  string    `json:"direction"`
	AuthorType string    `json:"author_type"`
	Body       string    `json:"body"`
	Meta       *bot.Meta `json:"meta"`
}

type conv struct {
	Status     string            `json:"status"`
	Priority   string            `json:"priority"`
	Attributes map[string]string `json:"attributes"`
}

func eachBotServer(t *testing.T, fn func(t *testing.T, s *apptest.Server)) {
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) {
			s := apptest.Start(t, e)
			s.EnableBot(t)
			fn(t, s)
		})
	}
}

// waitFor polls until cond holds; the deadline is generous so a slow
// machine does not fail the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func messages(t *testing.T, s *apptest.Server, convID string) []message {
	t.Helper()
	var out struct {
		Messages []message `json:"messages"`
	}
	s.JSON(t, "GET", "/api/v1/conversations/"+convID+"/messages", s.AdminToken, nil, http.StatusOK, &out)
	return out.Messages
}

func botMessages(t *testing.T, s *apptest.Server, convID string) []message {
	var out []message
	for _, m := range messages(t, s, convID) {
		if m.Direction == "bot" {
			out = append(out, m)
		}
	}
	return out
}

// waitBot waits for the conversation's n-th bot message and returns it.
func waitBot(t *testing.T, s *apptest.Server, convID string, n int) message {
	t.Helper()
	var got []message
	waitFor(t, fmt.Sprintf("bot message %d in %s", n, convID), func() bool {
		got = botMessages(t, s, convID)
		return len(got) >= n
	})
	return got[n-1]
}

func decisions(t *testing.T, s *apptest.Server, convID string) []bot.Decision {
	t.Helper()
	var out struct {
		Decisions []bot.Decision `json:"decisions"`
	}
	s.JSON(t, "GET", "/api/v1/conversations/"+convID+"/bot-decisions", s.AdminToken, nil, http.StatusOK, &out)
	return out.Decisions
}

// waitDecision waits for the decision on the contact message with seq.
func waitDecision(t *testing.T, s *apptest.Server, convID string, seq int64) bot.Decision {
	t.Helper()
	var d bot.Decision
	waitFor(t, fmt.Sprintf("bot decision on message %d", seq), func() bool {
		for _, x := range decisions(t, s, convID) {
			if x.MessageSeq == seq {
				d = x
				return true
			}
		}
		return false
	})
	return d
}

func getConv(t *testing.T, s *apptest.Server, convID string) conv {
	t.Helper()
	var c conv
	s.JSON(t, "GET", "/api/v1/conversations/"+convID, s.AdminToken, nil, http.StatusOK, &c)
	return c
}

func feedback(t *testing.T, s *apptest.Server, convID, tok string, seq int64, action, article string, want int) []byte {
	t.Helper()
	st, body := s.Do(t, "POST", "/api/v1/widget/conversations/"+convID+"/bot-feedback", tok,
		map[string]any{"seq": seq, "action": action, "article_id": article})
	if st != want {
		t.Fatalf("bot-feedback %s on %d: HTTP %d %s, want %d", action, seq, st, body, want)
	}
	return body
}

func TestBotAnswerReachesVisitorOverWebSocket(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		convID, tok := s.StartConversation(t)
		u, _ := url.Parse(s.URL)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/ws/contact?conversation="+convID+"&after=0",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		ack := s.Send(t, convID, tok, "q1", "我的助记词应该怎么备份才安全？")
		var reply message
		for reply.Direction != "bot" {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("read the contact stream: %v", err)
			}
			var f struct {
				Type    string  `json:"type"`
				Message message `json:"message"`
			}
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			if f.Type == "message" {
				reply = f.Message
			}
		}
		if reply.Meta == nil || reply.Meta.Kind != "answer" || len(reply.Meta.Articles) != 1 {
			t.Fatalf("bot message = %+v, want an answer card", reply)
		}
		a := reply.Meta.Articles[0]
		if a.ID != "backup-mnemonic" || a.Locale != "zh-CN" || !strings.HasSuffix(a.URL, "/help/zh-CN/backup-mnemonic") {
			t.Fatalf("answered with %+v, want the zh-CN backup-mnemonic article", a)
		}
		if !strings.Contains(reply.Body, a.Title) || !strings.Contains(reply.Body, a.URL) || reply.Seq != ack.Seq+1 {
			t.Fatalf("answer body/seq = %d %q", reply.Seq, reply.Body)
		}
		// The link opens the article in the help center.
		resp, err := http.Get(a.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", a.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		d := waitDecision(t, s, convID, ack.Seq)
		if c := getConv(t, s, convID); c.Status != "pending" {
			t.Fatalf("status while the bot handles it = %q, want pending (out of the agents' open queue)", c.Status)
		}
		if d.Outcome != bot.OutcomeAnswered || d.ArticleID != "backup-mnemonic" || d.Confidence < bot.DefaultThresholds.Answer ||
			len(d.Candidates) == 0 || d.ReplySeq != reply.Seq || d.Question != "我的助记词应该怎么备份才安全？" || d.Locale != "zh-CN" {
			t.Fatalf("decision = %+v", d)
		}

		// Solved: thanks, the conversation is resolved, the feedback logged.
		feedback(t, s, convID, tok, reply.Seq, "solved", "", http.StatusOK)
		thanks := waitBot(t, s, convID, 2)
		if thanks.Meta == nil || thanks.Meta.Kind != "solved" {
			t.Fatalf("after solved: %+v", thanks)
		}
		if c := getConv(t, s, convID); c.Status != "resolved" {
			t.Fatalf("status after solved = %q", c.Status)
		}
		if d := decisions(t, s, convID)[0]; d.Feedback != bot.FeedbackSolved {
			t.Fatalf("feedback = %q", d.Feedback)
		}
		// One answer per bot message.
		body := feedback(t, s, convID, tok, reply.Seq, "not_solved", "", http.StatusConflict)
		if apptest.ErrorCode(t, body) != "conflict" {
			t.Fatalf("second feedback: %s", body)
		}
	})
}

func TestBotAnswersInEnglish(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	s.EnableBot(t)
	convID, tok := s.StartConversation(t)
	s.Send(t, convID, tok, "q1", "How can I revoke a token approval I gave to a DApp?")
	m := waitBot(t, s, convID, 1)
	if m.Meta == nil || m.Meta.Kind != "answer" || m.Meta.Articles[0].ID != "revoke-approvals" || m.Meta.Articles[0].Locale != "en" {
		t.Fatalf("bot message = %+v", m)
	}
	if !strings.Contains(m.Body, "Did this solve your problem?") {
		t.Fatalf("English answer body = %q", m.Body)
	}
}

func TestBotHandsOffOnRequest(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	s.EnableBot(t)
	for _, q := range []string{"转人工", "人工客服", "人工", "agent", "human", "I want to talk to a human please", "请帮我转人工客服"} {
		t.Run(q, func(t *testing.T) {
			convID, tok := s.StartConversation(t)
			ack := s.Send(t, convID, tok, "q1", q)
			m := waitBot(t, s, convID, 1)
			if m.Meta == nil || m.Meta.Kind != "handoff" || m.Meta.Reason != bot.ReasonRequest || m.Meta.QueuePosition < 1 {
				t.Fatalf("bot message = %+v", m)
			}
			d := waitDecision(t, s, convID, ack.Seq)
			if d.Outcome != bot.OutcomeHandoff || d.Reason != bot.ReasonRequest {
				t.Fatalf("decision = %+v", d)
			}
			c := getConv(t, s, convID)
			if c.Attributes[bot.AttrHandoff] != bot.ReasonRequest || c.Priority != "normal" || c.Status != "open" {
				t.Fatalf("conversation after hand-off = %+v", c)
			}
		})
	}
}

func TestBotHandsOffSensitiveTopicsWithHighPriority(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		for _, q := range []string{"我的USDT被人转走了，我什么都没操作", "Someone drained my wallet last night", "我的助记词泄露了怎么办"} {
			convID, tok := s.StartConversation(t)
			ack := s.Send(t, convID, tok, "q1", q)
			m := waitBot(t, s, convID, 1)
			if m.Meta == nil || m.Meta.Kind != "handoff" || m.Meta.Reason != bot.ReasonSensitive {
				t.Fatalf("%q: bot message = %+v", q, m)
			}
			// The best-matching article of the stolen-funds category.
			if len(m.Meta.Articles) != 1 || !slices.Contains([]string{"funds-stolen", "report-theft", "recovery-service-scams"}, m.Meta.Articles[0].ID) {
				t.Fatalf("%q: hand-off should carry a stolen-funds article, got %+v", q, m.Meta.Articles)
			}
			c := getConv(t, s, convID)
			if c.Priority != "high" || c.Attributes[bot.AttrHandoff] != bot.ReasonSensitive {
				t.Fatalf("%q: conversation = %+v", q, c)
			}
			if d := waitDecision(t, s, convID, ack.Seq); d.Reason != bot.ReasonSensitive {
				t.Fatalf("%q: decision = %+v", q, d)
			}
		}
	})
}

func TestBotHandsOffAfterTwoUnhelpfulAnswers(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	s.EnableBot(t)
	t.Run("no answer twice", func(t *testing.T) {
		convID, tok := s.StartConversation(t)
		a1 := s.Send(t, convID, tok, "q1", "我想开一张信用卡")
		if m := waitBot(t, s, convID, 1); m.Meta.Kind != "no_answer" {
			t.Fatalf("first: %+v", m)
		}
		if d := waitDecision(t, s, convID, a1.Seq); d.Outcome != bot.OutcomeNoAnswer {
			t.Fatalf("first decision: %+v", d)
		}
		s.Send(t, convID, tok, "q2", "信用卡额度怎么提高")
		m := waitBot(t, s, convID, 2)
		if m.Meta.Kind != "handoff" || m.Meta.Reason != bot.ReasonUnhelpful {
			t.Fatalf("second: %+v", m)
		}
	})
	t.Run("not solved twice", func(t *testing.T) {
		convID, tok := s.StartConversation(t)
		s.Send(t, convID, tok, "q1", "How do I add a custom token to my wallet?")
		ans := waitBot(t, s, convID, 1)
		if ans.Meta.Kind != "answer" {
			t.Fatalf("first: %+v", ans)
		}
		feedback(t, s, convID, tok, ans.Seq, "not_solved", "", http.StatusOK)
		if m := waitBot(t, s, convID, 2); m.Meta.Kind == "handoff" {
			t.Fatalf("one unhelpful answer handed off already: %+v", m)
		}
		s.Send(t, convID, tok, "q2", "my swap failed, why?")
		ans2 := waitBot(t, s, convID, 3)
		if ans2.Meta.Kind != "answer" {
			t.Fatalf("third: %+v", ans2)
		}
		feedback(t, s, convID, tok, ans2.Seq, "not_solved", "", http.StatusOK)
		m := waitBot(t, s, convID, 4)
		if m.Meta.Kind != "handoff" || m.Meta.Reason != bot.ReasonUnhelpful {
			t.Fatalf("after two not solved: %+v", m)
		}
		if c := getConv(t, s, convID); c.Attributes[bot.AttrUnhelpful] != "2" {
			t.Fatalf("unhelpful count = %q", c.Attributes[bot.AttrUnhelpful])
		}
	})
}

func TestBotStaysQuietUnderAHuman(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		// After a hand-off.
		convID, tok := s.StartConversation(t)
		s.Send(t, convID, tok, "q1", "人工")
		waitBot(t, s, convID, 1)
		a := s.Send(t, convID, tok, "q2", "助记词怎么备份")
		if d := waitDecision(t, s, convID, a.Seq); d.Outcome != bot.OutcomeQuiet {
			t.Fatalf("decision under a human = %+v", d)
		}
		if n := len(botMessages(t, s, convID)); n != 1 {
			t.Fatalf("bot spoke under a human: %d bot messages", n)
		}

		// After an agent replied, without a hand-off.
		conv2, tok2 := s.StartConversation(t)
		s.Reply(t, conv2, "Hello, this is Anna from support.", false)
		a = s.Send(t, conv2, tok2, "q1", "How do I back up my seed phrase?")
		if d := waitDecision(t, s, conv2, a.Seq); d.Outcome != bot.OutcomeQuiet {
			t.Fatalf("decision after an agent reply = %+v", d)
		}

		// Assigned to an agent.
		conv3, tok3 := s.StartConversation(t)
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv3, s.AdminToken, map[string]any{"assignee_id": s.AdminID}, http.StatusOK, nil)
		a = s.Send(t, conv3, tok3, "q1", "How do I back up my seed phrase?")
		if d := waitDecision(t, s, conv3, a.Seq); d.Outcome != bot.OutcomeQuiet {
			t.Fatalf("decision when assigned = %+v", d)
		}
		if n := len(botMessages(t, s, conv3)); n != 0 {
			t.Fatalf("bot spoke in an assigned conversation")
		}
	})
}

func TestBotOffInInbox(t *testing.T) {
	s := apptest.Start(t, "sqlite") // the bot is off in the test inbox
	convID, tok := s.StartConversation(t)
	s.Send(t, convID, tok, "q1", "助记词怎么备份")
	// The bot decides when it reads the event, so wait until its cursor is
	// past the first message before turning it on.
	waitFor(t, "the bot's cursor past the first message", func() bool {
		return s.Count(t, `SELECT COUNT(*) FROM bus_cursors WHERE name = 'faqbot'
			AND last_id >= (SELECT MAX(id) FROM events WHERE conversation_id = ?)`, convID) == 1
	})
	s.EnableBot(t)
	a := s.Send(t, convID, tok, "q2", "助记词怎么备份呢")
	waitDecision(t, s, convID, a.Seq)
	ds := decisions(t, s, convID)
	if len(ds) != 1 || ds[0].MessageSeq != a.Seq {
		t.Fatalf("decisions = %+v; the first message came while the bot was off", ds)
	}
	var in struct {
		BotEnabled bool `json:"bot_enabled"`
	}
	s.JSON(t, "PATCH", "/api/v1/inboxes/"+s.InboxID, s.AdminToken, map[string]any{"bot_enabled": false}, http.StatusOK, &in)
	if in.BotEnabled {
		t.Fatal("PATCH bot_enabled=false left it on")
	}
	st, body := s.Do(t, "PATCH", "/api/v1/inboxes/"+s.InboxID, s.AdminToken, map[string]any{})
	if st != http.StatusBadRequest || apptest.ErrorCode(t, body) != "invalid" {
		t.Fatalf("empty patch: %d %s", st, body)
	}
	st, body = s.Do(t, "PATCH", "/api/v1/inboxes/in_nope", s.AdminToken, map[string]any{"bot_enabled": true})
	if st != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
		t.Fatalf("unknown inbox: %d %s", st, body)
	}
}

// A hand-off tells the visitor routing's expected wait: none before any
// conversation was handled, then, with the one online agent busy, the
// measured handling time.
func TestHandoffTellsTheExpectedWait(t *testing.T) {
	eachBotServer(t, func(t *testing.T, s *apptest.Server) {
		handoff := func() (string, message) {
			convID, tok := s.StartConversation(t)
			s.Send(t, convID, tok, "q1", "转人工")
			m := waitBot(t, s, convID, 1)
			if m.Meta == nil || m.Meta.Kind != "handoff" {
				t.Fatalf("bot message = %+v, want a hand-off", m)
			}
			return convID, m
		}
		resolved := `{"status":"resolved"}`
		for i := 0; i < 3; i++ {
			convID, m := handoff()
			if m.Meta.ExpectedWaitSeconds != 0 || strings.Contains(m.Body, "预计") {
				t.Fatalf("hand-off %d promised a wait before any was measured: %+v", i, m)
			}
			if m.Meta.QueuePosition != 1 {
				t.Fatalf("hand-off %d: queue position %d, want 1 (the earlier ones were handled)", i, m.Meta.QueuePosition)
			}
			s.Reply(t, convID, "您好，我是客服小李。", false) // assigns it to the admin
			waitCount(t, s, "SELECT COUNT(*) FROM routing_assignments WHERE conversation_id = ?", convID)
			s.JSON(t, "PATCH", "/api/v1/conversations/"+convID, s.AdminToken, json.RawMessage(resolved), 200, nil)
			waitCount(t, s, "SELECT COUNT(*) FROM routing_assignments WHERE conversation_id = ? AND released_at IS NOT NULL", convID)
		}
		// The admin comes online with room for one: the next hand-off is
		// theirs at once, and the one after waits behind them.
		s.JSON(t, "PATCH", "/api/v1/agents/"+s.AdminID, s.AdminToken, map[string]any{"capacity": 1}, 200, nil)
		s.JSON(t, "PUT", "/api/v1/me/presence", s.AdminToken, map[string]any{"status": "online"}, 200, nil)
		first, m := handoff()
		if m.Meta.QueuePosition != 1 || m.Meta.ExpectedWaitSeconds != 0 {
			t.Fatalf("hand-off with a free agent = %+v, want position 1 and no wait", m.Meta)
		}
		waitCount(t, s, "SELECT COUNT(*) FROM conversations WHERE id = ? AND assignee_id IS NOT NULL", first)
		_, m = handoff()
		if m.Meta.QueuePosition != 1 || m.Meta.ExpectedWaitSeconds < 1 || m.Meta.ExpectedWaitSeconds > 60 ||
			!strings.Contains(m.Body, "预计不到 1 分钟") {
			t.Fatalf("hand-off behind a busy agent = %+v, want position 1 and the measured wait (under a minute)", m)
		}
	})
}

// waitCount waits until query counts at least one row.
func waitCount(t *testing.T, s *apptest.Server, query string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for s.Count(t, query, args...) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing for %s %v after 15 s", query, args)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
