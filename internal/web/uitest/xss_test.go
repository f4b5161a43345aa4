package uitest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A visitor's (or an agent's) message that looks like HTML is shown as
// text, in the chat and in the console: no element is made from it and no
// script runs.
func TestXSSShownAsText(t *testing.T) {
	const (
		alertPayload = `<img src=x onerror=alert(1)>`
		flagPayload  = `<img src=x onerror="window.__xss=1">`
		agentPayload = `<b>bold?</b> <img src=x onerror="window.__xss=1"> https://example.com/"><script>window.__xss=1</script>`
	)
	e := start(t)

	visitor := e.person(t)
	visitorDialogs := watchDialogs(visitor)
	openChat(t, visitor, e.chatURL())
	sendChat(t, visitor, alertPayload, false)
	waitChat(t, visitor, "the first payload is delivered", delivered(alertPayload))
	sendChat(t, visitor, flagPayload, false)
	waitChat(t, visitor, "the second payload is delivered", delivered(flagPayload))
	convID := chatConversationID(t, visitor)

	agent := e.person(t)
	agentDialogs := watchDialogs(agent)
	e.signIn(t, agent)
	do(t, agent, "open the conversation",
		chromedp.Navigate(e.srv.URL+"/#/conversations/"+convID),
		chromedp.WaitVisible(testid("thread")))
	waitConsoleMessage(t, agent, "inbound", alertPayload)
	waitConsoleMessage(t, agent, "inbound", flagPayload)

	// The agent answers with markup of their own; the visitor gets it as text.
	do(t, agent, "send a reply that looks like HTML",
		chromedp.SendKeys(testid("reply-input"), agentPayload),
		chromedp.Click(testid("reply-send")))
	waitConsoleMessage(t, agent, "outbound", agentPayload)
	waitChat(t, visitor, "the visitor gets the agent's reply as text", func(msgs []chatMsg) bool {
		for _, m := range msgs {
			if m.Direction == "outbound" && m.Body == agentPayload {
				return true
			}
		}
		return false
	})

	// Exactly the typed text in the message bodies.
	bodies := eval[[]string](t, visitor,
		`[...document.querySelectorAll('[data-testid=chat-thread] [data-testid=message-body]')].map((b) => b.textContent)`)
	if want := []string{alertPayload, flagPayload, agentPayload}; strings.Join(bodies, "\n") != strings.Join(want, "\n") {
		t.Errorf("the chat's message bodies are %q, want %q", bodies, want)
	}
	msgs, err := consoleMessages(agent)
	if err != nil {
		t.Fatal(err)
	}
	wantConsole := []consoleMsg{{"inbound", "1", alertPayload}, {"inbound", "2", flagPayload}, {"outbound", "3", agentPayload}}
	if len(msgs) != len(wantConsole) {
		t.Fatalf("the console thread is %+v, want the three messages %+v", msgs, wantConsole)
	}
	for i, w := range wantConsole {
		if m := msgs[i]; m.Direction != w.Direction || m.Seq != w.Seq || !strings.HasSuffix(m.Text, w.Text) {
			t.Errorf("console message %d is %+v, want %s seq %s ending with the literal text %q", i, m, w.Direction, w.Seq, w.Text)
		}
	}

	// No element was made from the payloads, in either page, and no
	// script of theirs ran. (The pages' CSP would block inline handlers
	// too; the element checks are what prove the text stayed text.)
	const injected = `({
  imgs: document.querySelectorAll('img[src="x"]').length,
  threadImgs: document.querySelectorAll('[data-testid=chat-thread] img, [data-testid=thread] img').length,
  bold: document.querySelectorAll('[data-testid=chat-thread] b, [data-testid=thread] b').length,
  scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__xss')).length,
  flag: typeof window.__xss,
})`
	type found struct {
		Imgs       int    `json:"imgs"`
		ThreadImgs int    `json:"threadImgs"`
		Bold       int    `json:"bold"`
		Scripts    int    `json:"scripts"`
		Flag       string `json:"flag"`
	}
	for _, p := range []struct {
		name    string
		f       found
		dialogs []string
	}{
		{"chat page", eval[found](t, visitor, injected), visitorDialogs()},
		{"console", eval[found](t, agent, injected), agentDialogs()},
	} {
		if p.f != (found{Flag: "undefined"}) {
			t.Errorf("the %s holds elements or state made from message text: %+v", p.name, p.f)
		}
		if len(p.dialogs) != 0 {
			t.Errorf("the %s opened dialogs: %s", p.name, fmt.Sprint(p.dialogs))
		}
	}
}
