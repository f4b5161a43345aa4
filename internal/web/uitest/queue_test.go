package uitest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
	"github.com/huiying/huiying/internal/routing"
)

// queueBanner is the chat's queue banner as the visitor sees it.
type queueBanner struct {
	Hidden   bool   `json:"hidden"`
	State    string `json:"state"`
	Position string `json:"position"`
	Text     string `json:"text"`
	Avatar   string `json:"avatar"` // the initials shown, or "img"
	Live     string `json:"live"`
}

const queueBannerJS = `(() => {
  const b = document.querySelector('[data-testid=queue-banner]');
  const a = b.querySelector('.hy-queue-avatar');
  return {
    hidden: b.hidden || b.getBoundingClientRect().height === 0,
    state: b.dataset.state || '',
    position: b.dataset.position || '',
    text: b.querySelector('[data-testid=queue-text]')?.textContent || '',
    avatar: a ? (a.tagName === 'IMG' ? 'img' : a.textContent) : '',
    live: b.getAttribute('aria-live') || '',
  };
})()`

// waitQueueBanner waits until the banner satisfies ok and returns it.
func waitQueueBanner(t *testing.T, ctx context.Context, what string, ok func(queueBanner) bool) queueBanner {
	t.Helper()
	var got queueBanner
	eventually(t, what, func() (bool, string) {
		b, err := evalErr[queueBanner](ctx, queueBannerJS)
		if err != nil {
			return false, err.Error()
		}
		got = b
		return ok(b), js(b)
	})
	return got
}

// evalAsync runs a JavaScript expression that gives a promise and decodes
// what it resolves to.
func evalAsync[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// showPlace hands the chat page's queue module a place, as the contact
// socket's "queue" frame would.
func showPlace(t *testing.T, ctx context.Context, place string) {
	t.Helper()
	evalAsync[bool](t, ctx, `import('/static/chat/queue.js').then((q) => { q.showPlace(`+place+`); return true; })`)
}

// The banner's wording in both languages: the place in line (N means N-1
// ahead), the expected wait rounded up to minutes and in hours from 90
// minutes, when a closed team opens in its own time zone (in the same
// words as the bot, routing.OpeningText), and the agent's name once
// assigned; the language toggle re-words it.
func TestQueueBannerWording(t *testing.T) {
	e := start(t)
	visitor := e.person(t)
	emulatePhone(t, visitor)
	// The visitor's clock is in New York; the opening time is told in the
	// team's zone all the same.
	if _, err := chromedp.Call(visitor, emulation.SetTimezoneOverride,
		emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"}); err != nil {
		t.Fatalf("set the time zone: %v", err)
	}
	openChat(t, visitor, e.chatURL()+"?lang=en")
	if b := eval[queueBanner](t, visitor, queueBannerJS); !b.Hidden || b.Live != "polite" {
		t.Fatalf("banner before any conversation = %+v, want hidden with aria-live polite", b)
	}

	// Friday 4 December 2026, 20:00 in Shanghai and 07:00 in New York.
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	opens := []struct {
		at time.Time
		tz string
	}{
		{time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC), "Asia/Shanghai"},    // today 21:00
		{time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC), "Asia/Shanghai"},     // tomorrow 09:00
		{time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC), "Asia/Shanghai"},     // Monday
		{time.Date(2026, 12, 14, 1, 0, 0, 0, time.UTC), "Asia/Shanghai"},    // in ten days
		{time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC), "Asia/Shanghai"},      // next year
		{time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC), "America/New_York"}, // today 09:00 there
		{time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC), "Mars/Olympus"},     // unknown: UTC
	}
	var calls []string
	for _, o := range opens {
		calls = append(calls, "q.opensText("+js(o.at.Format(time.RFC3339))+", "+js(o.tz)+", now)")
	}
	formats := `import('/static/chat/queue.js').then((q) => {
  const now = new Date(` + js(now.Format(time.RFC3339)) + `);
  return {
    eta: [0, 59, 60, 61, 240, 5340, 5400, 7300].map((s) => q.etaText(s)),
    opens: [` + strings.Join(calls, ", ") + `],
  };
})`
	type formatted struct {
		ETA   []string `json:"eta"`
		Opens []string `json:"opens"`
	}
	want := map[string]formatted{
		"en": {ETA: []string{"less than a minute", "less than a minute", "about 1 min", "about 2 min", "about 4 min",
			"about 89 min", "about 2 hours", "about 3 hours"}},
		"zh-CN": {ETA: []string{"预计不到 1 分钟", "预计不到 1 分钟", "预计 1 分钟", "预计 2 分钟", "预计 4 分钟",
			"预计 89 分钟", "预计约 2 小时", "预计约 3 小时"}},
	}
	for lang, w := range want {
		for _, o := range opens {
			w.Opens = append(w.Opens, routing.OpeningText(lang, now, o.at, o.tz))
		}
		want[lang] = w
	}
	if w := want["en"].Opens; w[1] != "tomorrow at 09:00 (Beijing time)" || w[5] != "today at 09:00 (New York time)" {
		t.Fatalf("the bot's opening texts changed: %q; update this test's cases", w)
	}
	check := func(lang string) {
		t.Helper()
		got := evalAsync[formatted](t, visitor, formats)
		if js(got) != js(want[lang]) {
			t.Errorf("%s formats (the opening times as the bot words them):\n got  %s\n want %s", lang, js(got), js(want[lang]))
		}
	}
	check("en")

	showPlace(t, visitor, `{position: 3, eta_seconds: 200, eta_known: true, agents_online: 2, open: true}`)
	waitQueueBanner(t, visitor, "third in line with a known wait", func(b queueBanner) bool {
		return !b.Hidden && b.State == "waiting" && b.Position == "3" && b.Text == "You're #3 in line · about 4 min"
	})
	showPlace(t, visitor, `{position: 1, eta_seconds: 0, eta_known: false, agents_online: 0, open: true}`)
	waitQueueBanner(t, visitor, "next in line with no wait known", func(b queueBanner) bool {
		return b.State == "waiting" && b.Position == "1" &&
			b.Text == "You're next in line. An agent will reply here as soon as one is free."
	})
	tomorrow := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	showPlace(t, visitor, `{position: 2, eta_seconds: 0, eta_known: false, agents_online: 0, open: false, opens_at: `+
		js(tomorrow)+`, time_zone: 'Asia/Shanghai'}`)
	b := waitQueueBanner(t, visitor, "the team closed", func(b queueBanner) bool { return b.State == "closed" })
	if !strings.HasPrefix(b.Text, "Our team is offline now and opens ") || !strings.Contains(b.Text, "(Beijing time)") ||
		!strings.HasSuffix(b.Text, ". Your message is saved; we'll reply here.") {
		t.Errorf("closed banner = %q", b.Text)
	}
	// Closed hours, but someone is online all the same: they may answer.
	showPlace(t, visitor, `{position: 2, eta_seconds: 0, eta_known: false, agents_online: 1, open: false, opens_at: `+
		js(tomorrow)+`, time_zone: 'Asia/Shanghai'}`)
	waitQueueBanner(t, visitor, "closed hours with an agent online", func(b queueBanner) bool {
		return b.State == "waiting" && b.Text == "You're #2 in line. An agent will reply here as soon as one is free."
	})
	showPlace(t, visitor, `{position: 0, eta_seconds: 0, eta_known: false, agents_online: 1, open: true, assignee: {id: 'ag_1', name: 'Mei Lin'}}`)
	waitQueueBanner(t, visitor, "the agent's name", func(b queueBanner) bool {
		return b.State == "assigned" && b.Text == "Mei Lin is handling your conversation" && b.Avatar == "ML"
	})
	checkPhoneLayout(t, visitor, "with the queue banner")

	// The toggle re-words the banner.
	do(t, visitor, "switch to Chinese", chromedp.Click(testid("chat-lang")))
	waitQueueBanner(t, visitor, "the agent's name in Chinese", func(b queueBanner) bool {
		return b.State == "assigned" && b.Text == "Mei Lin 正在为您服务"
	})
	check("zh-CN")
	showPlace(t, visitor, `{position: 3, eta_seconds: 5400, eta_known: true, agents_online: 1, open: true}`)
	waitQueueBanner(t, visitor, "third in line in Chinese", func(b queueBanner) bool {
		return b.State == "waiting" && b.Text == "您前面还有 2 人 · 预计约 2 小时"
	})
	showPlace(t, visitor, `{position: 1, eta_seconds: 0, eta_known: false, agents_online: 0, open: true}`)
	waitQueueBanner(t, visitor, "next in line in Chinese", func(b queueBanner) bool {
		return b.Text == "下一位就是您。客服一有空就会在这里回复您。"
	})
	showPlace(t, visitor, `{position: 0, eta_seconds: 0, eta_known: false, agents_online: 0, open: true}`)
	waitQueueBanner(t, visitor, "no banner when not waiting for a person", func(b queueBanner) bool {
		return b.Hidden && b.State == "" && b.Text == ""
	})
}

// The queue reaches the visitor. With the bot off and nobody online, a
// visitor's first message shows them first in line with no wait to tell;
// a second visitor, in Chinese, is told one person is ahead. When the agent
// goes online, both banners name her (also after a reload, read from the
// queue endpoint), and her first reply takes the banner away: her name is
// on the reply.
func TestQueueBannerShowsPlaceThenAgent(t *testing.T) {
	e := start(t)
	var inbox struct {
		BotEnabled bool `json:"bot_enabled"`
	}
	e.srv.JSON(t, "PATCH", "/api/v1/inboxes/"+e.srv.InboxID, e.srv.AdminToken,
		map[string]any{"bot_enabled": false}, http.StatusOK, &inbox)
	if inbox.BotEnabled {
		t.Fatal("the inbox's bot is still on after turning it off")
	}

	first := e.person(t)
	emulatePhone(t, first)
	openChat(t, first, e.chatURL()+"?lang=en")
	const hello = "Hello, my USDT transfer has not arrived"
	sendChat(t, first, hello, true)
	waitChat(t, first, "the first visitor's message is delivered", delivered(hello))
	firstID := chatConversationID(t, first)
	waitQueueBanner(t, first, "first in line, with no wait to tell", func(b queueBanner) bool {
		return !b.Hidden && b.State == "waiting" && b.Position == "1" &&
			b.Text == "You're next in line. An agent will reply here as soon as one is free."
	})
	checkPhoneLayout(t, first, "with the visitor first in line")

	second := e.person(t)
	emulatePhone(t, second)
	openChat(t, second, e.chatURL()+"?lang=zh-CN")
	const nihao = "你好，我的转账一直没到账"
	sendChat(t, second, nihao, true)
	waitChat(t, second, "the second visitor's message is delivered", delivered(nihao))
	secondID := chatConversationID(t, second)
	waitQueueBanner(t, second, "second in line, in Chinese", func(b queueBanner) bool {
		return !b.Hidden && b.State == "waiting" && b.Position == "2" &&
			b.Text == "您前面还有 1 人。客服一有空就会在这里回复您。"
	})
	browsertest.Shot(t, second, "chat-queue-waiting")

	// The agent goes online and is given both, oldest first.
	e.srv.JSON(t, "PUT", "/api/v1/me/presence", e.agent.Token, map[string]string{"status": "online"}, http.StatusOK, nil)
	waitQueueBanner(t, first, "the agent's name for the first visitor", func(b queueBanner) bool {
		return !b.Hidden && b.State == "assigned" && b.Position == "0" &&
			b.Text == "Mei Lin is handling your conversation" && b.Avatar != ""
	})
	waitQueueBanner(t, second, "the agent's name for the second visitor", func(b queueBanner) bool {
		return !b.Hidden && b.State == "assigned" && b.Text == "Mei Lin 正在为您服务"
	})
	for _, id := range []string{firstID, secondID} {
		if c := e.conversation(t, id); c.AssigneeID != e.agent.ID {
			t.Errorf("conversation %s is assigned to %q, want %s", id, c.AssigneeID, e.agent.ID)
		}
	}
	browsertest.Shot(t, first, "chat-queue-assigned")

	// A visitor who comes back sees where they stand.
	openChat(t, second, e.chatURL()+"?lang=zh-CN")
	waitQueueBanner(t, second, "the agent's name after a reload", func(b queueBanner) bool {
		return !b.Hidden && b.State == "assigned" && b.Text == "Mei Lin 正在为您服务"
	})

	// Her first reply carries her name; the banner gives way.
	const reply = "Hi, I'm checking your transfer now."
	e.srv.JSON(t, "POST", "/api/v1/conversations/"+firstID+"/messages", e.agent.Token,
		map[string]any{"body": reply}, http.StatusCreated, nil)
	waitChat(t, first, "the agent's reply", func(ms []chatMsg) bool {
		for _, m := range ms {
			if m.Direction == "outbound" && m.Body == reply {
				return true
			}
		}
		return false
	})
	waitQueueBanner(t, first, "no banner after the agent's reply", func(b queueBanner) bool { return b.Hidden })
	if b := eval[queueBanner](t, second, queueBannerJS); b.State != "assigned" {
		t.Errorf("the second visitor's banner = %+v after the agent replied to the first, want it still naming her", b)
	}
}
