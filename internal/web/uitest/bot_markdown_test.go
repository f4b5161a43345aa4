package uitest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

// botPhone opens a tab emulating a 390×844 phone with touch.
func (e *env) botPhone(t *testing.T) context.Context {
	t.Helper()
	phone := e.person(t)
	do(t, phone, "emulate a 390×844 phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	return phone
}

// TestMarkdownSameInBrowser holds the browser's renderer of bot messages
// (chat/markdown.js, which the console imports too) to the cases the help
// center's Go renderer passes (internal/helpcenter/testdata/markdown.json):
// one subset, read the same way on both sides. Both outputs are compared
// as the browser serialises them, without the newlines Go puts between
// blocks.
func TestMarkdownSameInBrowser(t *testing.T) {
	raw, err := os.ReadFile("../../helpcenter/testdata/markdown.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ In, Want string }
	if err := json.Unmarshal(raw, &cases); err != nil || len(cases) < 10 {
		t.Fatalf("read %d cases: %v", len(cases), err)
	}
	e := start(t)
	phone := e.botPhone(t)
	openChat(t, phone, e.chatURL())
	eval[bool](t, phone, `(window.__md = null, import('/static/chat/markdown.js').then((m) => {
  const norm = (html) => html.replace(/>\n</g, '><').replace(/>\n$/, '>');
  window.__md = `+string(raw)+`.map((c) => {
    const got = document.createElement('div');
    got.append(m.renderMarkdown(c.in));
    const want = document.createElement('div');
    want.innerHTML = c.want;
    return { in: c.in, got: norm(got.innerHTML), want: norm(want.innerHTML), scripts: got.querySelectorAll('script').length };
  });
}, (err) => { window.__md = [{ in: 'import', got: String(err), want: '' }]; }), true)`)
	waitJS(t, phone, "the module rendered every case", `window.__md`)
	type result struct {
		In      string `json:"in"`
		Got     string `json:"got"`
		Want    string `json:"want"`
		Scripts int    `json:"scripts"`
	}
	results := eval[[]result](t, phone, `window.__md`)
	if len(results) != len(cases) {
		t.Fatalf("rendered %d cases, want %d: %+v", len(results), len(cases), results)
	}
	for _, r := range results {
		if r.Got != r.Want || r.Scripts != 0 {
			t.Errorf("markdown.js renders %q\n got %q\nwant %q (as the help center does; %d scripts)", r.In, r.Got, r.Want, r.Scripts)
		}
	}
	// The chat's options: links open outside the chat's frame, and plain
	// URLs in text become links, never inside a Markdown link.
	eval[bool](t, phone, `(window.__opt = null, Promise.all([import('/static/chat/markdown.js'), import('/static/chat/dom.js')]).then(([m, d]) => {
  const box = document.createElement('div');
  box.append(m.renderMarkdown('[a](https://e.example/x) see https://f.example/y', {
    target: '_blank', text: (s) => { const f = document.createDocumentFragment(); d.appendLinkified(f, s); return [f]; } }));
  window.__opt = box.innerHTML;
}), true)`)
	waitJS(t, phone, "the options case rendered", `window.__opt`)
	opt := eval[string](t, phone, `window.__opt`)
	if !strings.Contains(opt, `<a href="https://e.example/x" rel="nofollow noopener noreferrer" target="_blank">a</a>`) ||
		!strings.Contains(opt, `href="https://f.example/y"`) || strings.Count(opt, "<a ") != 2 {
		t.Errorf("with the chat's options: %s", opt)
	}
}

// botBody is how the phone shows the newest bot message of a kind.
type botBody struct {
	Text     string   `json:"text"`
	Strong   []string `json:"strong"`
	Items    int      `json:"items"`
	Links    []string `json:"links"` // "text|href|target"
	Overflow bool     `json:"overflow"`
}

// TestBotAnswerReadsWellOnAPhone: the bot answers with the title in bold,
// the article's first steps as a list and a "Read the full article" link,
// not the whole article with raw Markdown marks; the console shows the same
// message rendered.
func TestBotAnswerReadsWellOnAPhone(t *testing.T) {
	e := start(t)
	e.srv.EnableBot(t)
	phone := e.botPhone(t)
	openChat(t, phone, e.chatURL()+"?lang=en")
	sendChat(t, phone, "How do I add a custom token to my wallet?", true)
	waitJS(t, phone, "the answer card", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	b := eval[botBody](t, phone, `(() => {
  const ms = [...document.querySelectorAll('[data-testid=chat-message][data-direction=bot]')];
  const body = ms[ms.length - 1].querySelector('[data-testid=message-body]');
  return {
    text: body.textContent,
    strong: [...body.querySelectorAll('strong')].map((s) => s.textContent),
    items: body.querySelectorAll('ol > li').length,
    links: [...body.querySelectorAll('a')].map((a) => a.textContent + '|' + a.getAttribute('href') + '|' + a.target),
    overflow: body.scrollWidth > body.clientWidth,
  };
})()`)
	if len(b.Strong) == 0 || b.Strong[0] != "Add a custom token" {
		t.Errorf("the title is not bold: %+v", b)
	}
	if b.Items < 1 || strings.Contains(b.Text, "**") || strings.Contains(b.Text, "\n- ") {
		t.Errorf("the steps are not a list, or raw marks show: %+v", b)
	}
	full := "Read the full article|" + e.srv.URL + "/help/en/add-custom-token|_blank"
	var hasFull bool
	for _, l := range b.Links {
		hasFull = hasFull || strings.HasSuffix(l, "/help/en/add-custom-token|_blank") && strings.HasPrefix(l, "Read the full article|")
	}
	if !hasFull {
		t.Errorf("no %q link in %+v", full, b.Links)
	}
	if n := len([]rune(b.Text)); n > 700 || strings.Contains(b.Text, "Where to get the contract address") {
		t.Errorf("the answer quotes %d characters, more than the article's first part: %q", n, b.Text)
	}
	if b.Overflow {
		t.Errorf("the answer does not wrap on a phone: %+v", b)
	}
	checkPhoneLayout(t, phone, "after the bot's answer")
	browsertest.Shot(t, phone, "chat-bot-answer-phone")

	// The agent's console shows the bot message rendered too.
	convID := chatConversationID(t, phone)
	agent := e.person(t)
	e.signIn(t, agent)
	// The list's preview is the message's text without its marks.
	waitJS(t, agent, "the conversation's row",
		`document.querySelector('[data-testid=conversation-row][data-conversation-id=`+convID+`] [data-testid=row-preview]')`)
	preview := eval[string](t, agent,
		`document.querySelector('[data-testid=conversation-row][data-conversation-id=`+convID+`] [data-testid=row-preview]').textContent`)
	if !strings.Contains(preview, "Add a custom token If a token") || strings.Contains(preview, "**") {
		t.Errorf("the list previews the bot's answer as %q", preview)
	}
	do(t, agent, "open the conversation", chromedp.Navigate(e.srv.URL+"/#/conversations/"+convID))
	waitJS(t, agent, "the bot message rendered as Markdown",
		`document.querySelector('[data-testid=thread] [data-direction=bot] [data-testid=message-markdown] ol li')`)
	c := eval[botBody](t, agent, `(() => {
  const body = document.querySelector('[data-testid=thread] [data-direction=bot] [data-testid=message-markdown]');
  return { text: body.textContent, strong: [...body.querySelectorAll('strong')].map((s) => s.textContent),
    items: body.querySelectorAll('ol > li').length,
    links: [...body.querySelectorAll('a')].map((a) => a.textContent + '|' + a.getAttribute('href') + '|' + a.target) };
})()`)
	if len(c.Strong) == 0 || c.Strong[0] != "Add a custom token" || strings.Contains(c.Text, "**") || c.Items != b.Items ||
		strings.Join(c.Links, " ") != strings.Join(b.Links, " ") {
		t.Errorf("the console shows %+v, the chat %+v", c, b)
	}
}

// botButtons is the state of one bot card's buttons on the phone.
type botButtons struct {
	Testid     string `json:"testid"`
	Text       string `json:"text"`
	Pressed    string `json:"pressed"`
	Disabled   bool   `json:"disabled"`
	Background string `json:"background"`
}

const botButtonsJS = `(kind) => [...document.querySelectorAll('[data-testid=bot-actions][data-kind=' + kind + '] button')].map((b) => ({
  testid: b.dataset.testid, text: b.textContent, pressed: b.getAttribute('aria-pressed') || '', disabled: b.disabled,
  background: getComputedStyle(b).backgroundColor,
}))`

func buttonsOf(t *testing.T, ctx context.Context, kind string) map[string]botButtons {
	t.Helper()
	out := map[string]botButtons{}
	for _, b := range eval[[]botButtons](t, ctx, "("+botButtonsJS+")("+js(kind)+")") {
		out[b.Testid] = b
	}
	return out
}

// chosen: filled in the bot's purple; not chosen: white.
const (
	chosenBackground    = "rgb(74, 47, 168)"
	notChosenBackground = "rgb(255, 255, 255)"
)

// TestBotNotSolvedOffersAPersonOnAPhone: "Not solved" brings the buttons
// "Ask another way" and "Talk to a person"; the tapped button looks chosen
// and the other not (also "Solved", which was filled before); "Talk to a
// person" hands the conversation to the agents (reason request), and the
// choices survive a reload.
func TestBotNotSolvedOffersAPersonOnAPhone(t *testing.T) {
	e := start(t)
	e.srv.EnableBot(t)
	phone := e.botPhone(t)
	openChat(t, phone, e.chatURL()+"?lang=en")
	sendChat(t, phone, "How do I add a custom token to my wallet?", true)
	waitJS(t, phone, "the answer card", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	if b := buttonsOf(t, phone, "answer"); b["bot-solved"].Background != chosenBackground || b["bot-solved"].Disabled {
		t.Fatalf("before a tap, Solved is the filled button: %+v", b)
	}
	do(t, phone, "tap Not solved", chromedp.Tap(chromedp.CSS(`[data-testid=bot-actions][data-kind=answer] [data-testid=bot-not-solved]`)))
	waitJS(t, phone, "the reply to not solved", `document.querySelector('[data-testid=bot-actions][data-kind=not_solved] [data-testid=bot-handoff]')`)
	ans := buttonsOf(t, phone, "answer")
	if ns, s := ans["bot-not-solved"], ans["bot-solved"]; ns.Pressed != "true" || ns.Background != chosenBackground ||
		s.Pressed != "false" || s.Background != notChosenBackground || !ns.Disabled || !s.Disabled {
		t.Errorf("after Not solved: %+v; want Not solved chosen (filled), Solved not (white), both off", ans)
	}
	offer := buttonsOf(t, phone, "not_solved")
	if r, h := offer["bot-rephrase"], offer["bot-handoff"]; r.Text != "Ask another way" || h.Text != "Talk to a person" || r.Disabled || h.Disabled {
		t.Fatalf("the reply to not solved offers %+v", offer)
	}
	browsertest.Shot(t, phone, "chat-not-solved-phone")

	do(t, phone, "tap Talk to a person", chromedp.Tap(chromedp.CSS(`[data-testid=bot-actions][data-kind=not_solved] [data-testid=bot-handoff]`)))
	waitChat(t, phone, "the hand-off message", func(ms []chatMsg) bool {
		for _, m := range ms {
			if m.Direction == "bot" && strings.Contains(m.Body, "in the queue") {
				return true
			}
		}
		return false
	})
	offer = buttonsOf(t, phone, "not_solved")
	if r, h := offer["bot-rephrase"], offer["bot-handoff"]; h.Pressed != "true" || h.Background != chosenBackground ||
		r.Pressed != "false" || r.Background != notChosenBackground {
		t.Errorf("after Talk to a person: %+v; want it chosen and Ask another way not", offer)
	}
	convID := chatConversationID(t, phone)
	var conv struct {
		Status     string            `json:"status"`
		Attributes map[string]string `json:"attributes"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+convID, e.srv.AdminToken, nil, http.StatusOK, &conv)
	if conv.Status != "open" || conv.Attributes["bot.handoff"] != "request" {
		t.Errorf("after Talk to a person the conversation is %+v, want open and handed off (request)", conv)
	}

	// After a reload the choices are still shown.
	openChat(t, phone, e.chatURL()+"?lang=en")
	waitJS(t, phone, "the cards after a reload", `document.querySelector('[data-testid=bot-actions][data-kind=not_solved] [data-testid=bot-handoff]')`)
	ans, offer = buttonsOf(t, phone, "answer"), buttonsOf(t, phone, "not_solved")
	if ans["bot-not-solved"].Pressed != "true" || ans["bot-solved"].Background != notChosenBackground ||
		offer["bot-handoff"].Pressed != "true" || offer["bot-rephrase"].Pressed != "false" || !offer["bot-rephrase"].Disabled {
		t.Errorf("after a reload: answer %+v, offer %+v", ans, offer)
	}
}

// TestBotAskAnotherWayOnAPhone: "Ask another way" looks chosen, the bot
// asks for other words and the visitor can type at once; nobody is handed
// the conversation.
func TestBotAskAnotherWayOnAPhone(t *testing.T) {
	e := start(t)
	e.srv.EnableBot(t)
	phone := e.botPhone(t)
	openChat(t, phone, e.chatURL()+"?lang=zh-CN")
	sendChat(t, phone, "我的助记词应该怎么备份才安全？", true)
	waitJS(t, phone, "the answer card", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	do(t, phone, "tap 未解决", chromedp.Tap(chromedp.CSS(`[data-testid=bot-actions][data-kind=answer] [data-testid=bot-not-solved]`)))
	waitJS(t, phone, "the reply to not solved", `document.querySelector('[data-testid=bot-actions][data-kind=not_solved] [data-testid=bot-rephrase]')`)
	offer := buttonsOf(t, phone, "not_solved")
	if offer["bot-rephrase"].Text != "换个说法问" || offer["bot-handoff"].Text != "转人工客服" {
		t.Fatalf("the reply to 未解决 offers %+v", offer)
	}
	do(t, phone, "tap 换个说法问", chromedp.Tap(chromedp.CSS(`[data-testid=bot-actions][data-kind=not_solved] [data-testid=bot-rephrase]`)))
	waitChat(t, phone, "the bot asks for other words", func(ms []chatMsg) bool {
		for _, m := range ms {
			if m.Direction == "bot" && strings.Contains(m.Body, "请换个说法描述您的问题") {
				return true
			}
		}
		return false
	})
	waitJS(t, phone, "the composer has the focus", `document.activeElement === document.querySelector('[data-testid=chat-input]')`)
	offer = buttonsOf(t, phone, "not_solved")
	if r, h := offer["bot-rephrase"], offer["bot-handoff"]; r.Pressed != "true" || r.Background != chosenBackground ||
		h.Pressed != "false" || h.Background != notChosenBackground {
		t.Errorf("after 换个说法问: %+v; want it chosen and 转人工客服 not", offer)
	}
	var conv struct {
		Attributes map[string]string `json:"attributes"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+chatConversationID(t, phone), e.srv.AdminToken, nil, http.StatusOK, &conv)
	if conv.Attributes["bot.handoff"] != "" {
		t.Errorf("asking another way handed the conversation off: %+v", conv)
	}
}
