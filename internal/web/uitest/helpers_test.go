package uitest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/browsertest"
)

// waitLimit is how long a test waits for something to show up in a page.
const waitLimit = 15 * time.Second

// pollEvery is how often a wait looks again. It only paces the polling;
// no test passes or fails because of it.
const pollEvery = 50 * time.Millisecond

// env is one test's world: a real server with an agent who can sign in,
// and a running browser.
type env struct {
	srv     *apptest.Server
	agent   apptest.Agent
	browser context.Context
}

// start runs a fresh server on SQLite and a headless Chromium (skipping the
// test when Chromium is not installed). The browser is started after the
// server, so that it is stopped first and its sockets are closed before the
// server shuts down.
func start(t *testing.T) *env {
	t.Helper()
	if browsertest.Path() == "" {
		browsertest.New(t) // skips with the install hint
	}
	srv := apptest.Start(t, "sqlite")
	agent := srv.CreateAgent(t, "mei@example.com", "Mei Lin", "agent")
	return &env{srv: srv, agent: agent, browser: browsertest.New(t)}
}

// person opens a tab for one more person. Each person gets a browser
// context of their own (like a separate browser profile), so a visitor and
// an agent share no cookies and no localStorage.
func (e *env) person(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// chatURL is the visitor chat page of the bootstrap inbox.
func (e *env) chatURL() string {
	return e.srv.URL + "/chat/" + e.srv.InboxKey
}

// do runs actions in the tab, failing the test when they fail or take
// longer than waitLimit.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v%s", what, err, pageText(ctx))
	}
}

// eval runs a JavaScript expression in the tab and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := evalErr[T](ctx, expr)
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func evalErr[T any](ctx context.Context, expr string) (T, error) {
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return chromedp.Run(tctx, chromedp.Evaluate[T](expr))
}

// eventually polls check until it reports true, and fails the test with
// the last state it saw when waitLimit passes first.
func eventually(t *testing.T, what string, check func() (ok bool, state string)) {
	t.Helper()
	if state, ok := poll(check); !ok {
		t.Fatalf("%s: still not so after %v; last seen: %s", what, waitLimit, state)
	}
}

func poll(check func() (bool, string)) (state string, ok bool) {
	deadline := time.Now().Add(waitLimit)
	for {
		ok, state := check()
		if ok || time.Now().After(deadline) {
			return state, ok
		}
		time.Sleep(pollEvery)
	}
}

// waitJS waits until a JavaScript expression is truthy in the tab.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	state, ok := poll(func() (bool, string) {
		ok, err := evalErr[bool](ctx, "!!("+expr+")")
		if err != nil {
			return false, err.Error()
		}
		return ok, "false"
	})
	if !ok {
		t.Fatalf("%s: still not so after %v; %s is %s%s", what, waitLimit, expr, state, pageText(ctx))
	}
}

// pageText is the start of the tab's visible text, for failure messages.
func pageText(ctx context.Context) string {
	s, err := evalErr[string](ctx, `(location.href + "\n" + (document.body ? document.body.innerText : "")).slice(0, 1500)`)
	if err != nil {
		return ""
	}
	return "\n--- page ---\n" + s + "\n------------"
}

// js quotes a Go value as a JavaScript literal.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// testid is the CSS selector of a data-testid hook.
func testid(id string) chromedp.CSS {
	return chromedp.CSS("[data-testid=" + id + "]")
}

// ---- the visitor's chat page ----

// chatMsg is one message of the chat page's thread, as the visitor sees it.
type chatMsg struct {
	Direction string `json:"direction"`
	Seq       string `json:"seq"`
	Body      string `json:"body"`
	State     string `json:"state"` // message-state of the visitor's own messages
	Verified  bool   `json:"verified"`
}

func (m chatMsg) String() string {
	return fmt.Sprintf("{%s seq=%s %q state=%s verified=%v}", m.Direction, m.Seq, m.Body, m.State, m.Verified)
}

const chatMessagesJS = `[...document.querySelectorAll('[data-testid=chat-thread] [data-testid=chat-message]')].map((m) => {
  const body = m.querySelector('[data-testid=message-body]');
  const state = m.querySelector('[data-testid=message-state]');
  return {
    direction: m.dataset.direction || '',
    seq: m.dataset.seq || '',
    body: body ? body.textContent : '',
    state: state ? state.dataset.state || '' : '',
    verified: !!m.querySelector('[data-testid=verified-badge]'),
  };
})`

func chatMessages(ctx context.Context) ([]chatMsg, error) {
	return evalErr[[]chatMsg](ctx, chatMessagesJS)
}

// openChat loads the chat page and waits for its composer.
func openChat(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, "open the chat page "+url,
		chromedp.Navigate(url),
		chromedp.WaitVisible(testid("chat-input")),
		chromedp.WaitVisible(testid("chat-send")))
}

// sendChat types text into the chat input and clicks send, as a visitor
// does. tap uses touch taps (for a phone with touch emulation).
func sendChat(t *testing.T, ctx context.Context, text string, tap bool) {
	t.Helper()
	press := chromedp.Click[chromedp.CSS]
	if tap {
		press = chromedp.Tap[chromedp.CSS]
	}
	do(t, ctx, "send "+js(text)+" from the chat page",
		press(testid("chat-input")),
		chromedp.SendKeys(testid("chat-input"), text),
		press(testid("chat-send")))
}

// waitChat waits until the chat thread satisfies ok and returns it.
func waitChat(t *testing.T, ctx context.Context, what string, ok func([]chatMsg) bool) []chatMsg {
	t.Helper()
	var got []chatMsg
	eventually(t, what, func() (bool, string) {
		msgs, err := chatMessages(ctx)
		if err != nil {
			return false, err.Error()
		}
		got = msgs
		return ok(msgs), fmt.Sprint(msgs)
	})
	return got
}

// delivered reports whether the visitor's message body is shown as delivered.
func delivered(body string) func([]chatMsg) bool {
	return func(msgs []chatMsg) bool {
		for _, m := range msgs {
			if m.Direction == "inbound" && m.Body == body && m.State == "delivered" && m.Seq != "" {
				return true
			}
		}
		return false
	}
}

// chatConversationID waits for the chat thread to name its conversation
// (it does once the first message started one) and returns it.
func chatConversationID(t *testing.T, ctx context.Context) string {
	t.Helper()
	waitJS(t, ctx, "the chat thread names its conversation",
		`document.querySelector('[data-testid=chat-thread]').dataset.conversationId`)
	return eval[string](t, ctx, `document.querySelector('[data-testid=chat-thread]').dataset.conversationId`)
}

// ---- the agent console ----

// signIn signs the agent in through the console's login form.
func (e *env) signIn(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	waitJS(t, ctx, "the console routes to #/login", `location.hash === '#/login'`)
	do(t, ctx, "sign in as "+e.agent.Email,
		chromedp.SendKeys(testid("login-email"), e.agent.Email),
		chromedp.SendKeys(testid("login-password"), e.agent.Password),
		chromedp.Click(testid("login-submit")),
		chromedp.WaitVisible(testid("sign-out")),
		chromedp.WaitVisible(testid("conversation-list")))
	waitJS(t, ctx, "the console's event stream is live",
		`document.querySelector('[data-testid=connection-status].conn-live')`)
}

// consoleRow is one row of the console's conversation list.
type consoleRow struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Text   string `json:"text"`
}

func consoleRows(ctx context.Context) ([]consoleRow, error) {
	return evalErr[[]consoleRow](ctx, `[...document.querySelectorAll('[data-testid=conversation-list] [data-testid=conversation-row]')].map((r) => ({
  id: r.dataset.conversationId || '', status: r.dataset.status || '', text: r.textContent,
}))`)
}

// consoleMsg is one message of the console's thread.
type consoleMsg struct {
	Direction string `json:"direction"`
	Seq       string `json:"seq"`
	Text      string `json:"text"` // the whole message: author, time and body
}

func consoleMessages(ctx context.Context) ([]consoleMsg, error) {
	return evalErr[[]consoleMsg](ctx, `[...document.querySelectorAll('[data-testid=thread] [data-testid=message]')].map((m) => ({
  direction: m.dataset.direction || '', seq: m.dataset.seq || '', text: m.textContent,
}))`)
}

// waitConsoleMessage waits until the console thread shows a message in
// direction whose text contains body.
func waitConsoleMessage(t *testing.T, ctx context.Context, direction, body string) {
	t.Helper()
	eventually(t, fmt.Sprintf("the console thread shows the %s message %q", direction, body), func() (bool, string) {
		msgs, err := consoleMessages(ctx)
		if err != nil {
			return false, err.Error()
		}
		for _, m := range msgs {
			if m.Direction == direction && strings.Contains(m.Text, body) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", msgs)
	})
}

// ---- the API ----

// apiConversation is the part of a conversation the tests look at.
type apiConversation struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	AssigneeID  string `json:"assignee_id"`
	LastMessage *struct {
		Body      string `json:"body"`
		Direction string `json:"direction"`
	} `json:"last_message"`
}

type apiMessage struct {
	Seq       int64  `json:"seq"`
	Direction string `json:"direction"`
	Body      string `json:"body"`
}

func (e *env) conversation(t *testing.T, id string) apiConversation {
	t.Helper()
	var c apiConversation
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+id, e.srv.AdminToken, nil, http.StatusOK, &c)
	return c
}

func (e *env) messages(t *testing.T, id string) []apiMessage {
	t.Helper()
	var out struct {
		Messages []apiMessage `json:"messages"`
	}
	e.srv.JSON(t, "GET", "/api/v1/conversations/"+id+"/messages", e.srv.AdminToken, nil, http.StatusOK, &out)
	return out.Messages
}

// ---- dialogs ----

// watchDialogs records (and dismisses) every JavaScript dialog the tab
// opens, such as an alert() an injected script would show.
func watchDialogs(ctx context.Context) func() []string {
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	var mu sync.Mutex
	var seen []string
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			mu.Lock()
			seen = append(seen, string(ev.Type)+": "+ev.Message)
			mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}
