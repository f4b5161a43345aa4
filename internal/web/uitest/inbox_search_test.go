package uitest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A new agent on a desktop lands on the All view of what waits (open and
// pending, the bot's conversations included), each tab's count is the
// length of its list for every status, and the search box finds a
// conversation by Chinese text, a wallet address and the contact's email.
func TestInboxDefaultCountsAndSearch(t *testing.T) {
	e := start(t)
	s := e.srv
	const addr = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
	type conv struct{ id, status string }
	mk := func(name, email, body, status, assignee string) conv {
		st := s.StartConversationWith(t, map[string]string{"name": name, "email": email})
		s.Send(t, st.ConversationID, st.ContactToken, "m1", body)
		patch := map[string]string{"status": status, "assignee_id": assignee}
		s.JSON(t, "PATCH", "/api/v1/conversations/"+st.ConversationID, s.AdminToken, patch, http.StatusOK, nil)
		return conv{st.ConversationID, status}
	}
	botHandled := mk("王芳", "", "我的转账一直没到账", "pending", "")
	waiting := mk("Ann", "ann@wallet.example", "my USDT to "+addr+" is missing", "open", "")
	mine := mk("Bo", "", "how do I export my history", "open", e.agent.ID)
	mk("Cy", "", "thanks, solved", "resolved", "")

	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "a desktop window", chromedp.EmulateViewport(1280, 900))
	e.signIn(t, ctx)
	rowIDs := func() []string {
		rows, err := consoleRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		return ids
	}
	want := func(cs ...conv) []string {
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.id)
		}
		slices.Sort(ids)
		return ids
	}
	settled := `!document.querySelector('[data-testid=conversation-list]').hasAttribute('aria-busy')`
	waitJS(t, ctx, "the console opens the All view", `document.querySelector('[data-testid=view-all]').getAttribute('aria-current') === 'page' && `+settled)
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=filter-status]').value`); got != "open,pending" {
		t.Errorf("the default status filter is %q, want open,pending", got)
	}
	waitJS(t, ctx, "the bot's pending conversation is listed with the open ones",
		`document.querySelectorAll('[data-testid=conversation-row]').length === 3`)
	if got := rowIDs(); !slices.Equal(got, want(botHandled, waiting, mine)) {
		t.Fatalf("the default view lists %v, want the pending and open conversations %v", got, want(botHandled, waiting, mine))
	}

	// Every status choice and every tab: the tab's count is its list's length.
	agree := func(what string) {
		t.Helper()
		for _, view := range []string{"all", "mine", "unassigned"} {
			do(t, ctx, "open the "+view+" view", chromedp.Click(testid("view-"+view)))
			waitJS(t, ctx, what+", "+view+": the list and the counts agree",
				fmt.Sprintf(`(() => {
  const rows = document.querySelectorAll('[data-testid=conversation-row]').length;
  const count = document.querySelector('[data-testid=count-%s]').textContent.trim();
  const total = document.querySelector('[data-testid=list-total]').textContent;
  return location.hash === '#/inbox/%s' && %s && count === String(rows) && total.includes(String(rows));
})()`, view, view, settled))
		}
	}
	for _, status := range []string{"open,pending", "any", "open", "pending", "snoozed", "resolved", "closed"} {
		choose(t, ctx, "filter-status", status)
		agree("status " + status)
	}
	choose(t, ctx, "filter-status", "any")
	do(t, ctx, "open the All view", chromedp.Click(testid("view-all")))
	waitJS(t, ctx, "any status lists all four", `document.querySelector('[data-testid=count-all]').textContent.trim() === '4' && `+
		`document.querySelectorAll('[data-testid=conversation-row]').length === 4`)

	// Search, typed as a person types it.
	search := func(q string) {
		t.Helper()
		eval[bool](t, ctx, `(() => { const i = document.querySelector('[data-testid=search-input]'); i.value = ''; return true; })()`)
		do(t, ctx, "search "+q, chromedp.SendKeys(testid("search-input"), q))
	}
	for _, tc := range []struct {
		q    string
		want conv
	}{
		{"没到账", botHandled},
		{addr[:12], waiting},
		{"wallet.example", waiting},
		{"export", mine},
	} {
		search(tc.q)
		waitJS(t, ctx, "the search for "+tc.q+" finds one conversation, and the count says so",
			`document.querySelectorAll('[data-testid=conversation-row]').length === 1 && `+
				`document.querySelector('[data-testid=conversation-row]').dataset.conversationId === `+js(tc.want.id)+` && `+
				`document.querySelector('[data-testid=count-all]').textContent.trim() === '1' && `+settled)
	}
	search("没有这句话")
	waitJS(t, ctx, "no conversation matches", `document.querySelectorAll('[data-testid=conversation-row]').length === 0 && `+
		`document.querySelector('[data-testid=count-all]').textContent.trim() === '0'`)
	if text := eval[string](t, ctx, `document.querySelector('.listpane .empty').textContent`); !strings.Contains(text, "没有这句话") {
		t.Errorf("the empty list says %q, want the search text in it", text)
	}
	search(" ")
	waitJS(t, ctx, "all four again", `document.querySelectorAll('[data-testid=conversation-row]').length === 4`)
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}

// Admin → Audit log is a tab of the admin pages and lists what was done.
func TestAdminAuditLogTab(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "open the console on a desktop",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	do(t, ctx, "open Admin", chromedp.Navigate(e.srv.URL+"/#/admin/agents"), chromedp.WaitVisible(testid("admin-tab-audit")))
	do(t, ctx, "open the Audit log tab", chromedp.Click(testid("admin-tab-audit")))
	waitJS(t, ctx, "the audit log lists entries",
		`location.hash === '#/admin/audit' && document.querySelector('[data-testid=admin-tab-audit]').getAttribute('aria-current') === 'page' && `+
			`document.querySelectorAll('[data-testid=audit-row]').length > 0`)
	if text := pageText(ctx); strings.Contains(text, "Page not found") {
		t.Fatalf("#/admin/audit is not found:%s", text)
	}
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}
