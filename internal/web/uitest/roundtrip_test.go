package uitest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

// A visitor writes from the chat page; the agent, already looking at the
// inbox, sees the conversation arrive live, opens it and answers; the
// visitor gets the answer, marked as verified support.
func TestVisitorAgentRoundTrip(t *testing.T) {
	const (
		question = "转账一直 pending，怎么办？"
		reply    = "请提供交易哈希 / please send the tx hash"
	)
	e := start(t)

	// The agent signs in through the form and opens the "All" view (a new
	// visitor's conversation is unassigned, so it is not under "Mine").
	agent := e.person(t)
	e.signIn(t, agent)
	do(t, agent, "open the All view", chromedp.Click(testid("view-all")))
	waitJS(t, agent, "the All view is loaded",
		`location.hash === '#/inbox/all' &&
		 document.querySelector('[data-testid=view-all]').getAttribute('aria-current') === 'page' &&
		 !document.querySelector('[data-testid=conversation-list]').hasAttribute('aria-busy')`)
	if rows, err := consoleRows(agent); err != nil || len(rows) != 0 {
		t.Fatalf("a fresh server's inbox lists %v (%v), want no conversation", rows, err)
	}
	// A reload would drop this marker: the row must arrive without one.
	eval[bool](t, agent, `window.__uitestSamePage = true`)

	visitor := e.person(t)
	openChat(t, visitor, e.chatURL())
	sendChat(t, visitor, question, false)
	convID := chatConversationID(t, visitor)

	eventually(t, "the agent's inbox lists the new conversation, live", func() (bool, string) {
		rows, err := consoleRows(agent)
		if err != nil {
			return false, err.Error()
		}
		for _, r := range rows {
			if r.ID == convID && strings.Contains(r.Text, question) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("rows %+v, want %s with %q", rows, convID, question)
	})
	if !eval[bool](t, agent, `window.__uitestSamePage === true`) {
		t.Fatal("the console reloaded the page to show the new conversation; it should arrive over the event stream")
	}
	waitJS(t, agent, "the All view's count goes to 1 live",
		`document.querySelector('[data-testid=count-all]').textContent.trim() === '1'`)
	browsertest.Shot(t, agent, "console-inbox")

	do(t, agent, "open the conversation from the list",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid=conversation-row][data-conversation-id=%q]`, convID))))
	waitJS(t, agent, "the console routes to the conversation", `location.hash === `+js("#/conversations/"+convID))
	waitConsoleMessage(t, agent, "inbound", question)

	do(t, agent, "write and send the reply",
		chromedp.SendKeys(testid("reply-input"), reply),
		chromedp.Click(testid("reply-send")))
	waitConsoleMessage(t, agent, "outbound", reply)
	waitJS(t, agent, "the reply box is emptied after sending",
		`document.querySelector('[data-testid=reply-input]').value === ''`)

	msgs := waitChat(t, visitor, "the visitor sees the agent's reply with the verified badge", func(msgs []chatMsg) bool {
		for _, m := range msgs {
			if m.Direction == "outbound" && m.Body == reply && m.Verified {
				return true
			}
		}
		return false
	})
	msgs = waitChat(t, visitor, "the visitor's question shows as delivered", delivered(question))
	if len(msgs) != 2 || msgs[0].Body != question || msgs[1].Body != reply {
		t.Errorf("the visitor's thread is %v, want the question then the reply", msgs)
	}
	if !eval[bool](t, agent, `window.__uitestSamePage === true`) {
		t.Error("the console page reloaded during the conversation")
	}

	// What the server stored.
	stored := e.messages(t, convID)
	if len(stored) != 2 || stored[0].Direction != "inbound" || stored[0].Body != question ||
		stored[1].Direction != "outbound" || stored[1].Body != reply {
		t.Errorf("stored messages %+v, want the inbound question then the outbound reply", stored)
	}

	browsertest.Shot(t, agent, "console-conversation")
	browsertest.Shot(t, visitor, "chat-desktop")
}

// After a reload the visitor sees the same conversation, every message once
// and in order; the agent resolves it and both sides (and the API) agree.
func TestReloadKeepsThreadAndResolve(t *testing.T) {
	const (
		first  = "我的 USDT 提现三小时了还没到账"
		answer = "We are checking the withdrawal now."
		second = "谢谢！The tx hash is 0x9f2c…e41a"
	)
	e := start(t)
	visitor := e.person(t)
	openChat(t, visitor, e.chatURL())
	sendChat(t, visitor, first, false)
	waitChat(t, visitor, "the first message is delivered", delivered(first))
	convID := chatConversationID(t, visitor)

	e.srv.Reply(t, convID, answer, false) // an agent answers through the API
	waitChat(t, visitor, "the visitor sees the answer live", func(msgs []chatMsg) bool {
		return slices.ContainsFunc(msgs, func(m chatMsg) bool { return m.Direction == "outbound" && m.Body == answer })
	})
	sendChat(t, visitor, second, false)
	waitChat(t, visitor, "the second message is delivered", delivered(second))

	eval[bool](t, visitor, `window.__uitestBeforeReload = true`)
	do(t, visitor, "reload the chat page", chromedp.Reload(), chromedp.WaitVisible(testid("chat-input")))
	if eval[bool](t, visitor, `window.__uitestBeforeReload === true`) {
		t.Fatal("the page did not reload")
	}
	want := []chatMsg{
		{Direction: "inbound", Seq: "1", Body: first, State: "delivered"},
		{Direction: "outbound", Seq: "2", Body: answer, Verified: true},
		{Direction: "inbound", Seq: "3", Body: second, State: "delivered"},
	}
	sameThread := func(msgs []chatMsg) bool { return slices.Equal(msgs, want) }
	waitChat(t, visitor, "after the reload the whole thread is back, in order", sameThread)
	if got := chatConversationID(t, visitor); got != convID {
		t.Fatalf("after the reload the chat shows conversation %s, want %s", got, convID)
	}

	// The agent takes the conversation and resolves it.
	agent := e.person(t)
	e.signIn(t, agent)
	do(t, agent, "open the conversation",
		chromedp.Navigate(e.srv.URL+"/#/conversations/"+convID),
		chromedp.WaitVisible(testid("thread")))
	waitConsoleMessage(t, agent, "inbound", second)
	waitJS(t, agent, "the conversation shows as open",
		`document.querySelector('[data-testid=conversation-status]').dataset.status === 'open'`)

	do(t, agent, "assign the conversation to me", chromedp.Click(testid("assign-me")))
	waitJS(t, agent, "the assign-me button says it is mine",
		`document.querySelector('[data-testid=assign-me]').disabled`)
	if got := e.conversation(t, convID).AssigneeID; got != e.agent.ID {
		t.Errorf("after assign-me the API says assignee %q, want %q", got, e.agent.ID)
	}

	do(t, agent, "resolve the conversation", chromedp.Click(testid("status-resolve")))
	waitJS(t, agent, "the conversation shows as resolved",
		`document.querySelector('[data-testid=conversation-status]').dataset.status === 'resolved' &&
		 !document.querySelector('[data-testid=status-resolve]') &&
		 document.querySelector('[data-testid=status-reopen]')`)
	if got := e.conversation(t, convID).Status; got != "resolved" {
		t.Fatalf("after resolve the API says status %q, want resolved", got)
	}
	// The visitor is told, live, and the thread is unchanged (no message
	// shown twice by the socket catching up).
	waitJS(t, visitor, "the visitor sees the conversation marked resolved",
		`(() => { const n = document.querySelector('[data-testid=conversation-status]'); return !n.hidden && n.textContent.trim() !== '' })()`)
	if msgs, err := chatMessages(visitor); err != nil || !sameThread(msgs) {
		t.Errorf("after resolve the visitor's thread is %v (%v), want %v", msgs, err, want)
	}

	do(t, agent, "reopen the conversation", chromedp.Click(testid("status-reopen")))
	waitJS(t, agent, "the conversation shows as open again",
		`document.querySelector('[data-testid=conversation-status]').dataset.status === 'open'`)
	if got := e.conversation(t, convID).Status; got != "open" {
		t.Errorf("after reopen the API says status %q, want open", got)
	}
	stored := e.messages(t, convID)
	if len(stored) != len(want) {
		t.Fatalf("stored messages %+v, want %v", stored, want)
	}
	for i, m := range stored {
		if strconv.FormatInt(m.Seq, 10) != want[i].Seq || m.Body != want[i].Body || m.Direction != want[i].Direction {
			t.Errorf("stored message %d is %+v, want %v", i, m, want[i])
		}
	}
}
