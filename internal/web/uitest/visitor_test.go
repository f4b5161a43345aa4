package uitest

import (
	"context"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/browsertest"
)

// emulatePhone makes the tab a 390×844 touch phone.
func emulatePhone(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "emulate a 390×844 phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
}

// chatLang is the chat page's language as the visitor sees it.
type chatLang struct {
	Lang        string `json:"lang"`
	Placeholder string `json:"placeholder"`
	Toggle      string `json:"toggle"`
}

const chatLangJS = `({
  lang: document.documentElement.lang,
  placeholder: document.querySelector('[data-testid=chat-input]').placeholder,
  toggle: document.querySelector('[data-testid=chat-lang]')?.textContent.trim() || '',
})`

var chatInLang = map[string]chatLang{
	"en":    {Lang: "en", Placeholder: "Type a message…", Toggle: "中文"},
	"zh-CN": {Lang: "zh-CN", Placeholder: "输入消息…", Toggle: "EN"},
}

func waitChatLang(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	want := chatInLang[lang]
	waitJS(t, ctx, "the chat is in "+lang, `(() => { const s = `+chatLangJS+`; return s.lang === `+js(want.Lang)+
		` && s.placeholder === `+js(want.Placeholder)+` && s.toggle === `+js(want.Toggle)+`; })()`)
}

func lastBot(msgs []chatMsg) (chatMsg, int) {
	var last chatMsg
	n := 0
	for _, m := range msgs {
		if m.Direction == "bot" {
			last, n = m, n+1
		}
	}
	return last, n
}

// Issue 14 item 2, on a phone: an English page, a Chinese question. The
// chat's buttons follow the visitor into Chinese with the bot's answer;
// the visitor switches back with the toggle, which then wins over what
// they write and survives a reload; an English question gets the English
// article.
func TestChatLanguageFollowsVisitorPhone(t *testing.T) {
	e := start(t)
	e.srv.EnableBot(t)
	phone := e.person(t)
	emulatePhone(t, phone)
	openChat(t, phone, e.chatURL()+"?lang=en")
	if got := eval[chatLang](t, phone, chatLangJS); got != chatInLang["en"] {
		t.Fatalf("the chat opens as %+v, want %+v", got, chatInLang["en"])
	}

	sendChat(t, phone, "我的助记词应该怎么备份才安全？", true)
	waitChatLang(t, phone, "zh-CN")
	msgs := waitChat(t, phone, "the bot's Chinese answer", func(ms []chatMsg) bool { _, n := lastBot(ms); return n >= 1 })
	if answer, _ := lastBot(msgs); !strings.Contains(answer.Body, "助记词") {
		t.Fatalf("the bot answered %q, want the Chinese article", answer.Body)
	}
	waitJS(t, phone, "the answer card", `document.querySelector('[data-testid=bot-actions][data-kind=answer]')`)
	if cards := botCards(t, phone); len(cards) == 0 || !strings.Contains(strings.Join(cards[0].Buttons, "|"), "已解决") ||
		!strings.HasSuffix(cards[0].Hrefs[0], "/help/zh-CN/backup-mnemonic") {
		t.Fatalf("the answer's buttons and link are not Chinese: %+v", cards)
	}
	checkPhoneLayout(t, phone, "in Chinese after the bot's answer")
	browsertest.Shot(t, phone, "chat-phone-language")

	// The visitor prefers English: the toggle wins over what they write.
	do(t, phone, "tap the language toggle", chromedp.Tap(testid("chat-lang")))
	waitChatLang(t, phone, "en")
	sendChat(t, phone, "谢谢", true)
	waitChat(t, phone, "谢谢 is delivered", delivered("谢谢"))
	if got := eval[chatLang](t, phone, chatLangJS); got != chatInLang["en"] {
		t.Fatalf("after writing Chinese with English chosen the chat shows %+v", got)
	}
	openChat(t, phone, e.chatURL()+"?lang=en")
	waitChatLang(t, phone, "en")

	// An English question: the English article, English buttons.
	sendChat(t, phone, "how do I back up my seed phrase safely", true)
	waitChat(t, phone, "the bot's English answer", func(ms []chatMsg) bool {
		a, _ := lastBot(ms)
		return strings.Contains(strings.ToLower(a.Body), "seed phrase") || strings.Contains(strings.ToLower(a.Body), "mnemonic")
	})
	waitJS(t, phone, "an English answer card", `[...document.querySelectorAll('[data-testid=bot-actions][data-kind=answer] a')].some((a) => a.href.endsWith('/help/en/backup-mnemonic'))`)
}

// Issue 14 item 8, on a phone: after the first message the chat asks the
// visitor's name, optionally. A name given is on the contact; a skipped
// prompt stays away, also after a reload.
func TestChatAsksNameOptionallyPhone(t *testing.T) {
	e := start(t)
	named := e.person(t)
	emulatePhone(t, named)
	openChat(t, named, e.chatURL()+"?lang=zh-CN")
	if eval[bool](t, named, `!!document.querySelector('[data-testid=chat-name-prompt]')`) {
		t.Fatal("the name prompt shows before the visitor has written")
	}
	sendChat(t, named, "你好，我的转账一直没到账", true)
	waitChat(t, named, "the first message is delivered", delivered("你好，我的转账一直没到账"))
	do(t, named, "the name prompt shows", chromedp.WaitVisible(testid("chat-name-prompt")))
	checkPhoneLayout(t, named, "with the name prompt")
	browsertest.Shot(t, named, "chat-phone-name")
	do(t, named, "give a name",
		chromedp.Tap(testid("chat-name-input")),
		chromedp.SendKeys(testid("chat-name-input"), "王小明"),
		chromedp.Tap(testid("chat-name-save")),
		chromedp.WaitVisible(testid("chat-name-thanks")))
	conv := chatConversationID(t, named)
	if got := contactName(t, e, conv); got != "王小明" {
		t.Fatalf("the contact's name is %q, want 王小明", got)
	}
	openChat(t, named, e.chatURL()+"?lang=zh-CN")
	waitChat(t, named, "the thread after reload", delivered("你好，我的转账一直没到账"))
	if eval[bool](t, named, `!!document.querySelector('[data-testid=chat-name-prompt]')`) {
		t.Error("the name prompt came back after the visitor gave a name")
	}

	skipper := e.person(t)
	emulatePhone(t, skipper)
	openChat(t, skipper, e.chatURL()+"?lang=en")
	sendChat(t, skipper, "hello there", true)
	waitChat(t, skipper, "the first message is delivered", delivered("hello there"))
	do(t, skipper, "skip the name", chromedp.WaitVisible(testid("chat-name-prompt")), chromedp.Tap(testid("chat-name-skip")))
	waitJS(t, skipper, "the prompt is gone", `!document.querySelector('[data-testid=chat-name-prompt]')`)
	openChat(t, skipper, e.chatURL()+"?lang=en")
	waitChat(t, skipper, "the thread after reload", delivered("hello there"))
	if eval[bool](t, skipper, `!!document.querySelector('[data-testid=chat-name-prompt]')`) {
		t.Error("the name prompt came back after the visitor skipped it")
	}
	if got := contactName(t, e, chatConversationID(t, skipper)); got != "" {
		t.Errorf("a skipped prompt stored the name %q", got)
	}
}

func contactName(t *testing.T, e *env, convID string) string {
	t.Helper()
	var c struct {
		ContactID string `json:"contact_id"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+convID, e.srv.AdminToken, nil, http.StatusOK, &c)
	var contact struct {
		Name string `json:"name"`
	}
	e.srv.JSON(t, "GET", "/api/v1/contacts/"+c.ContactID, e.srv.AdminToken, nil, http.StatusOK, &contact)
	return contact.Name
}

// Issue 14 item 9: the widget on a wallet's page passes the page, its
// data- attributes and Huiying.setAttributes; the console's side panel
// shows them with the browser, device, language and time zone.
func TestConsoleShowsVisitorContext(t *testing.T) {
	e := start(t)
	tab := e.person(t)
	chat, hostURL := openWidget(t, e, tab, `data-app-version="3.2.1 (web)"`)
	// The page tells more after load; a fragment never leaves the page.
	do(t, tab, "set attributes", chromedp.Evaluate[chromedp.Void](`window.Huiying.setAttributes({time_zone: "Asia/Shanghai", device: "Pixel 8"})`))
	sendChat(t, chat, "Where is my withdrawal?", false)
	waitChat(t, chat, "the message is delivered", delivered("Where is my withdrawal?"))
	conv := chatConversationID(t, chat)

	var v struct {
		Context map[string]string `json:"context"`
	}
	eventually(t, "the context is stored", func() (bool, string) {
		e.srv.JSON(t, "GET", "/api/v1/conversations/"+conv+"/visitor", e.srv.AdminToken, nil, http.StatusOK, &v)
		return v.Context["time_zone"] == "Asia/Shanghai" && v.Context["device"] == "Pixel 8", fmt.Sprint(v.Context)
	})
	if v.Context["page_url"] != hostURL || v.Context["app_version"] != "3.2.1 (web)" ||
		!strings.HasPrefix(v.Context["browser"], "Chrome ") || v.Context["language"] == "" {
		t.Fatalf("stored context %v; want page %s, app 3.2.1 (web), a Chrome browser and a language", v.Context, hostURL)
	}

	agent := e.person(t)
	do(t, agent, "a desktop window", chromedp.EmulateViewport(1280, 900))
	e.signIn(t, agent)
	do(t, agent, "open the conversation", chromedp.Navigate(e.srv.URL+"/#/conversations/"+conv))
	waitJS(t, agent, "the side panel shows the visitor's context",
		`document.querySelector('[data-testid=visitor-panel] [data-field=time_zone]')`)
	shown := eval[map[string]string](t, agent, `Object.fromEntries([...document.querySelectorAll('[data-testid=visitor-panel] dd[data-field]')].map((d) => [d.dataset.field, d.textContent]))`)
	for _, k := range []string{"page_url", "app_version", "browser", "device", "language"} {
		if shown[k] != v.Context[k] {
			t.Errorf("the panel shows %s = %q, want %q", k, shown[k], v.Context[k])
		}
	}
	if !strings.HasPrefix(shown["time_zone"], "Asia/Shanghai (") {
		t.Errorf("the panel shows time_zone = %q, want Asia/Shanghai with the local time", shown["time_zone"])
	}
	if href := eval[string](t, agent, `document.querySelector('[data-testid=visitor-panel] [data-field=page_url] a')?.href || ''`); href != hostURL {
		t.Errorf("the page is linked as %q, want %q", href, hostURL)
	}
	do(t, agent, "scroll the panel to the visitor's context",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=visitor-panel]').scrollIntoView({block: 'center'})`))
	browsertest.Shot(t, agent, "console-visitor-context")
}

var contextHostPage = template.Must(template.New("host").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Example Wallet · Withdrawals</title></head>
<body>
<h1>Withdrawals</h1>
<script src="{{.Script}}" data-inbox="{{.Inbox}}" {{.Attrs}} async></script>
</body>
</html>
`))

// openWidget serves a wallet's page (on another site than the server)
// embedding the widget with the extra script attributes, opens the widget
// and returns the tab of the chat in its iframe, and the page's address.
func openWidget(t *testing.T, e *env, tab context.Context, attrs string) (context.Context, string) {
	t.Helper()
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/withdrawals" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = contextHostPage.Execute(w, map[string]any{"Script": e.srv.URL + "/widget.js", "Inbox": e.srv.InboxKey, "Attrs": template.HTMLAttr(attrs)})
	}))
	t.Cleanup(host.Close)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(host.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	pageURL := "http://localhost:" + port + "/withdrawals?asset=usdt"
	do(t, tab, "open the wallet's page", chromedp.Navigate(pageURL+"#pending"))

	const shadow = `document.querySelector('[data-huiying-widget]')?.shadowRoot`
	launcher := chromedp.JSPath(shadow + `?.querySelector('[data-testid=widget-launcher]')`)
	frame := chromedp.JSPath(shadow + `?.querySelector('[data-testid=widget-frame]')`)
	do(t, tab, "open the widget", chromedp.WaitVisible(launcher), chromedp.Click(launcher), chromedp.WaitVisible(frame))
	src := eval[string](t, tab, string(frame)+`.src`)
	var frameID target.ID
	eventually(t, "the widget's iframe is a target of its own", func() (bool, string) {
		infos, err := chromedp.Targets(tab)
		if err != nil {
			return false, err.Error()
		}
		var seen []string
		for _, info := range infos {
			seen = append(seen, info.Type+" "+info.URL)
			if info.Type == "iframe" && info.URL == src {
				frameID = info.TargetID
				return true, ""
			}
		}
		return false, fmt.Sprint(seen)
	})
	chat, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(frameID))
	t.Cleanup(cancel)
	// Attach with the context itself: a first run on a shorter-lived
	// context would detach the target when that one ends.
	if err := chromedp.Do(chat); err != nil {
		t.Fatalf("attach to the widget's iframe: %v", err)
	}
	do(t, chat, "the chat in the iframe shows its input", chromedp.WaitVisible(testid("chat-input")))
	return chat, pageURL
}

// Issue 14 items 8 and 9: a signed-in wallet user, named by the widget's
// data-user-* attributes (user_hash from the wallet's backend), brings
// their name; the chat does not ask for it.
func TestWidgetIdentifiedUserBringsName(t *testing.T) {
	e := start(t)
	inbox, err := e.srv.App.Convs.InboxByKey(t.Context(), e.srv.InboxKey)
	if err != nil {
		t.Fatal(err)
	}
	attrs := fmt.Sprintf(`data-user-id="u_1001" data-user-hash="%s" data-user-name="Li Wei"`, auth.UserHash(inbox.HMACSecret, "u_1001"))
	tab := e.person(t)
	chat, _ := openWidget(t, e, tab, attrs)
	sendChat(t, chat, "My deposit has not arrived", false)
	waitChat(t, chat, "the message is delivered", delivered("My deposit has not arrived"))
	conv := chatConversationID(t, chat)
	var c struct {
		ContactID string `json:"contact_id"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+conv, e.srv.AdminToken, nil, http.StatusOK, &c)
	var contact struct {
		Name       string `json:"name"`
		ExternalID string `json:"external_id"`
	}
	e.srv.JSON(t, "GET", "/api/v1/contacts/"+c.ContactID, e.srv.AdminToken, nil, http.StatusOK, &contact)
	if contact.Name != "Li Wei" || contact.ExternalID != inbox.ID+":u_1001" {
		t.Fatalf("the contact is %+v, want Li Wei identified as u_1001", contact)
	}
	if eval[bool](t, chat, `!!document.querySelector('[data-testid=chat-name-prompt]')`) {
		t.Error("the chat asks the name of a user who brought it")
	}
}
