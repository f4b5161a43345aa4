package uitest

import (
	"context"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

// The page of a wallet's own site that embeds the widget with the one line
// the docs give.
var hostPage = template.Must(template.New("host").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example Wallet · Help</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7fb; color: #111827; }
  header { background: #0f172a; color: #fff; padding: 18px 32px; font-weight: 700; }
  main { max-width: 720px; margin: 32px auto; padding: 0 24px; }
  /* A host page's rules must not leak into the widget (it lives in a shadow root). */
  button { background: #ff00ff !important; border-radius: 0 !important; }
</style>
</head>
<body>
<header>Example Wallet</header>
<main>
  <h1>Help centre</h1>
  <p>Deposits, withdrawals and fees. Still stuck? Chat with our support team.</p>
</main>
<script src="{{.Script}}" data-inbox="{{.Inbox}}" async></script>
</body>
</html>
`))

// The widget on a third-party site: the launcher shows (inside its shadow
// root), opens the chat in a cross-site iframe, and a message sent there
// reaches the inbox.
func TestWidgetOnThirdPartyPage(t *testing.T) {
	const text = "Hello from the wallet's help page 你好"
	e := start(t)

	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/help" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = hostPage.Execute(w, map[string]string{"Script": e.srv.URL + "/widget.js", "Inbox": e.srv.InboxKey})
	}))
	t.Cleanup(host.Close)
	// The server listens on 127.0.0.1 like the app, but the page is loaded
	// as localhost: another origin and also another site, so Chromium runs
	// the widget's iframe out of process, as on a real third-party site.
	_, port, err := net.SplitHostPort(strings.TrimPrefix(host.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	hostURL := "http://localhost:" + port + "/help"

	tab := e.person(t)
	do(t, tab, "open the third-party page", chromedp.Navigate(hostURL))
	if got := eval[string](t, tab, `location.origin`); got == e.srv.URL {
		t.Fatalf("the host page has the app's origin %s; it must be another", got)
	}

	const shadow = `document.querySelector('[data-huiying-widget]')?.shadowRoot`
	launcher := chromedp.JSPath(shadow + `?.querySelector('[data-testid=widget-launcher]')`)
	frame := chromedp.JSPath(shadow + `?.querySelector('[data-testid=widget-frame]')`)
	do(t, tab, "the widget's launcher shows", chromedp.WaitVisible(launcher))
	if !eval[bool](t, tab, `!document.querySelector('[data-testid=widget-launcher]') && `+shadow+`.mode === 'open'`) {
		t.Error("the launcher should live in an open shadow root, not in the page's own DOM")
	}
	// The page's "button { background: #ff00ff !important }" stays outside.
	if bg := eval[string](t, tab, `getComputedStyle(`+string(launcher)+`).backgroundColor`); bg == "rgb(255, 0, 255)" {
		t.Errorf("the host page's button style leaked into the launcher (background %s)", bg)
	}
	if eval[bool](t, tab, `!!(`+string(frame)+`)`) {
		t.Error("the chat iframe is loaded before the visitor opens the widget")
	}

	do(t, tab, "click the launcher", chromedp.Click(launcher))
	do(t, tab, "the chat panel opens", chromedp.WaitVisible(frame))
	src := eval[string](t, tab, string(frame)+`.src`)
	u, err := url.Parse(src)
	if err != nil || !strings.HasPrefix(src, e.srv.URL+"/chat/"+e.srv.InboxKey) || u.Query().Get("embed") != "1" {
		t.Fatalf("the iframe loads %q, want %s/chat/%s?embed=1", src, e.srv.URL, e.srv.InboxKey)
	}

	// The iframe is another site's document in its own process: attach to
	// it as a target of its own.
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
	openFrame, cancelOpen := context.WithTimeout(chat, waitLimit)
	defer cancelOpen()
	if err := chromedp.Do(openFrame, chromedp.WaitVisible(testid("chat-input"))); err != nil {
		t.Fatalf("the chat in the widget's iframe shows no input: %v", err)
	}
	if !eval[bool](t, chat, `document.documentElement.classList.contains('hy-embed-doc') && window.parent !== window`) {
		t.Error("the iframe's chat does not run in embed mode")
	}

	sendChat(t, chat, text, false)
	waitChat(t, chat, "the message sent in the widget is delivered", delivered(text))
	convID := chatConversationID(t, chat)
	browsertest.Shot(t, tab, "widget")

	// The inbox has it.
	var list struct {
		Conversations []apiConversation `json:"conversations"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations?assignee=all", e.srv.AdminToken, nil, http.StatusOK, &list)
	if !slices.ContainsFunc(list.Conversations, func(c apiConversation) bool {
		return c.ID == convID && c.LastMessage != nil && c.LastMessage.Body == text && c.LastMessage.Direction == "inbound"
	}) {
		t.Fatalf("GET /api/v1/conversations has no conversation %s ending with %q: %+v", convID, text, list.Conversations)
	}
	msgs := e.messages(t, convID)
	if len(msgs) != 1 || msgs[0].Direction != "inbound" || msgs[0].Body != text {
		t.Fatalf("conversation %s holds %+v, want the one inbound message %q", convID, msgs, text)
	}
}
