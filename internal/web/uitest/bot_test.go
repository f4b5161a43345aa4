package uitest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/browsertest"
	"github.com/huiying/huiying/internal/config"
)

type botCard struct {
	Kind     string   `json:"kind"`
	Articles []string `json:"articles"` // data-article of the article links
	Hrefs    []string `json:"hrefs"`
	Buttons  []string `json:"buttons"` // button texts
	Disabled bool     `json:"disabled"`
}

const botCardsJS = `[...document.querySelectorAll('[data-testid=chat-message][data-direction=bot] [data-testid=bot-actions]')].map((b) => ({
  kind: b.dataset.kind || '',
  articles: [...b.querySelectorAll('[data-testid=bot-article]')].map((a) => a.dataset.article),
  hrefs: [...b.querySelectorAll('[data-testid=bot-article]')].map((a) => a.href),
  buttons: [...b.querySelectorAll('button')].map((x) => x.textContent),
  disabled: [...b.querySelectorAll('button')].every((x) => x.disabled),
}))`

func botCards(t *testing.T, ctx context.Context) []botCard {
	t.Helper()
	return eval[[]botCard](t, ctx, botCardsJS)
}

// A visitor asks a demo question in Chinese and the bot answers at once
// with the right article; "已解决" thanks them and resolves the conversation.
func TestBotAnswersChineseQuestionInTheChat(t *testing.T) {
	e := start(t)
	e.srv.EnableBot(t)
	visitor := e.person(t)
	openChat(t, visitor, e.chatURL()+"?lang=zh-CN")
	const q = "我的助记词应该怎么备份才安全？"
	sendChat(t, visitor, q, false)
	msgs := waitChat(t, visitor, "the bot's answer", func(ms []chatMsg) bool {
		for _, m := range ms {
			if m.Direction == "bot" {
				return true
			}
		}
		return false
	})
	var answer chatMsg
	for _, m := range msgs {
		if m.Direction == "bot" {
			answer = m
		}
	}
	if !strings.Contains(answer.Body, "备份助记词") && !strings.Contains(answer.Body, "助记词") {
		t.Fatalf("bot answer body = %q", answer.Body)
	}
	waitJS(t, visitor, "the answer card", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	cards := botCards(t, visitor)
	if len(cards) != 1 || cards[0].Kind != "answer" || len(cards[0].Articles) != 1 || cards[0].Articles[0] != "backup-mnemonic" {
		t.Fatalf("bot cards = %+v, want one answer with the backup-mnemonic article", cards)
	}
	if !strings.HasSuffix(cards[0].Hrefs[0], "/help/zh-CN/backup-mnemonic") {
		t.Fatalf("article link = %s", cards[0].Hrefs[0])
	}
	if strings.Join(cards[0].Buttons, "|") != "已解决|未解决" || cards[0].Disabled {
		t.Fatalf("answer buttons = %+v", cards[0])
	}

	do(t, visitor, "tap 已解决", chromedp.Click(testid("bot-solved")))
	waitChat(t, visitor, "the bot's thanks", func(ms []chatMsg) bool {
		n := 0
		for _, m := range ms {
			if m.Direction == "bot" {
				n++
			}
		}
		return n >= 2
	})
	if c := botCards(t, visitor); !c[0].Disabled {
		t.Fatalf("buttons still enabled after answering: %+v", c)
	}
	convID := eval[string](t, visitor, `document.querySelector('[data-testid=chat-thread]').dataset.conversationId || ''`)
	var conv struct {
		Status string `json:"status"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+convID, e.srv.AdminToken, nil, http.StatusOK, &conv)
	if conv.Status != "resolved" {
		t.Fatalf("conversation %s status = %q after 已解决, want resolved", convID, conv.Status)
	}

	// The agent sees the bot's decision in the conversation's details.
	agent := e.person(t)
	e.signIn(t, agent)
	do(t, agent, "open the conversation", chromedp.Navigate(e.srv.URL+"/#/conversations/"+convID))
	waitJS(t, agent, "the bot's decision in the details panel",
		`document.querySelector('[data-testid=bot-decisions] [data-testid=bot-decision][data-outcome=answered][data-article=backup-mnemonic] [data-testid=bot-feedback]')`)

	// After a reload the buttons stay disabled.
	openChat(t, visitor, e.chatURL()+"?lang=zh-CN")
	waitJS(t, visitor, "the answer card after reload", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	if c := botCards(t, visitor); len(c) != 1 || !c[0].Disabled {
		t.Fatalf("after reload: %+v", c)
	}
}

// An admin turns the bot of an inbox on from the console's inbox page.
func TestAdminTurnsInboxBotOn(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	ctx := e.person(t)
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	do(t, ctx, "open the inboxes page",
		chromedp.Navigate(e.srv.URL+"/#/admin/inboxes"),
		chromedp.WaitVisible(testid("inbox-bot")))
	if eval[bool](t, ctx, `document.querySelector('[data-testid=inbox-bot]').checked`) {
		t.Fatal("the test inbox starts with the bot off, but the box is checked")
	}
	do(t, ctx, "turn the bot on", chromedp.Click(testid("inbox-bot")))
	eventually(t, "the inbox's bot on in the API", func() (bool, string) {
		var out struct {
			Inboxes []struct {
				ID         string `json:"id"`
				BotEnabled bool   `json:"bot_enabled"`
			} `json:"inboxes"`
		}
		e.srv.JSON(t, "GET", "/api/v1/inboxes", e.srv.AdminToken, nil, http.StatusOK, &out)
		return len(out.Inboxes) == 1 && out.Inboxes[0].BotEnabled, fmt.Sprint(out.Inboxes)
	})
}

// Unsure, the bot offers articles as buttons; tapping one brings that
// article as an answer with its own buttons.
func TestBotSuggestionsInTheChat(t *testing.T) {
	if browsertest.Path() == "" {
		browsertest.New(t) // skips with the install hint
	}
	// An answer threshold no question reaches and a suggestion threshold
	// every article does: the bot only suggests, always three.
	srv := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.BotAnswer, c.BotSuggest = 0.9999, 1e-12 })
	srv.EnableBot(t)
	e := &env{srv: srv, browser: browsertest.New(t)}
	visitor := e.person(t)
	openChat(t, visitor, e.chatURL()+"?lang=zh-CN")
	sendChat(t, visitor, "跨链桥资产没到", false)
	waitJS(t, visitor, "the suggestions", `document.querySelector('[data-testid=bot-actions][data-kind=suggestions]')`)
	choices := eval[[]string](t, visitor, `[...document.querySelectorAll('[data-testid=bot-choice]')].map((b) => b.dataset.article)`)
	if len(choices) != 3 {
		t.Fatalf("choices = %v, want 3 articles", choices)
	}
	if none := eval[string](t, visitor, `document.querySelector('[data-kind=suggestions] [data-testid=bot-not-solved]').textContent`); none != "都不是" {
		t.Fatalf("none-of-these button = %q", none)
	}
	do(t, visitor, "tap the second suggestion", chromedp.Click(chromedp.CSS(`[data-testid=bot-choice]:nth-of-type(2)`)))
	waitJS(t, visitor, "the chosen article as an answer", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	cards := botCards(t, visitor)
	last := cards[len(cards)-1]
	if last.Kind != "answer" || len(last.Articles) != 1 || last.Articles[0] != choices[1] || last.Disabled {
		t.Fatalf("after choosing %s the cards are %+v", choices[1], cards)
	}
	if !cards[0].Disabled {
		t.Fatalf("the suggestion buttons are still enabled after a choice: %+v", cards[0])
	}
}
