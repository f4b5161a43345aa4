package uitest

import (
	"fmt"
	"maps"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// An agent adds, changes and removes a contact's attributes from the
// conversation's side panel; the conversation's own attributes stay as
// they are.
func TestAgentEditsContactAttributes(t *testing.T) {
	e := start(t)
	st := e.srv.StartConversationWith(t, map[string]any{"name": "Ann"})
	ctx := e.person(t)
	e.signIn(t, ctx)
	do(t, ctx, "open the conversation",
		chromedp.Navigate(e.srv.URL+"/#/conversations/"+st.ConversationID),
		chromedp.WaitVisible(testid("contact-attr-key")))

	contactAttrs := func() map[string]string {
		var c struct {
			Attributes map[string]string `json:"attributes"`
		}
		e.srv.JSON(t, "GET", "/api/v1/contacts/"+st.ContactID, e.srv.AdminToken, nil, http.StatusOK, &c)
		return c.Attributes
	}
	waitAttrs := func(what string, want map[string]string) {
		t.Helper()
		eventually(t, what, func() (bool, string) {
			got := contactAttrs()
			return maps.Equal(got, want), fmt.Sprint(got)
		})
	}

	do(t, ctx, "add the attribute vip=gold",
		chromedp.SendKeys(testid("contact-attr-key"), "vip"),
		chromedp.SendKeys(testid("contact-attr-value"), "gold"),
		chromedp.Click(testid("contact-attr-add")))
	waitAttrs("vip=gold stored", map[string]string{"vip": "gold"})
	waitJS(t, ctx, "the attribute listed in the contact section",
		`document.querySelector('[data-testid=contact-attributes] input[data-attr-key=vip]').value === 'gold'`)

	eval[bool](t, ctx, `(() => { const i = document.querySelector('[data-testid=contact-attributes] input[data-attr-key=vip]');
		i.value = 'platinum'; i.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })); return true; })()`)
	waitAttrs("vip changed to platinum", map[string]string{"vip": "platinum"})

	eval[bool](t, ctx, `(() => { document.querySelector('[data-testid=contact-attributes] .attr-row .btn.subtle').click(); return true; })()`)
	waitAttrs("vip removed", map[string]string{})

	convAttrs := func() map[string]string {
		var conv struct {
			Attributes map[string]string `json:"attributes"`
		}
		e.srv.JSON(t, "GET", "/api/v1/conversations/"+st.ConversationID, e.srv.AdminToken, nil, http.StatusOK, &conv)
		return conv.Attributes
	}
	if got := convAttrs(); len(got) != 0 {
		t.Fatalf("the conversation's attributes changed too: %v", got)
	}

	// The conversation's own editor still writes the conversation.
	do(t, ctx, "add the conversation attribute order=A-17",
		chromedp.SendKeys(testid("attr-key"), "order"),
		chromedp.SendKeys(testid("attr-value"), "A-17"),
		chromedp.Click(testid("attr-add")))
	eventually(t, "order=A-17 on the conversation", func() (bool, string) {
		got := convAttrs()
		return maps.Equal(got, map[string]string{"order": "A-17"}), fmt.Sprint(got)
	})
	if got := contactAttrs(); len(got) != 0 {
		t.Fatalf("the conversation attribute reached the contact: %v", got)
	}
}
