package uitest

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

// An admin of a new desk sees the first-run checklist on a desktop, with
// the steps read from the desk's state; copying the widget snippet ticks
// its step; the inbox's HMAC secret is revealed and rotated on the inbox
// page; the checklist stays hidden once dismissed.
func TestAdminFirstRunChecklist(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	ctx := e.person(t)
	do(t, ctx, "a desktop window", chromedp.EmulateViewport(1280, 900))
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	do(t, ctx, "the checklist shows", chromedp.WaitVisible(testid("setup-checklist")))
	// Two-factor is on and there are agents besides the first admin (the
	// test's Mei); no official channel is listed and nothing was copied.
	want := map[string]string{"two_factor": "true", "invite_agents": "true", "official_channels": "false", "widget_snippet": "false"}
	if got := setupSteps(t, ctx); !sameSteps(got, want) {
		t.Fatalf("checklist steps %v, want %v", got, want)
	}
	browsertest.Shot(t, ctx, "console-setup")

	eval[bool](t, ctx, `(document.querySelector('[data-testid=setup-step][data-step=widget_snippet] a').click(), true)`)
	do(t, ctx, "follow the snippet step to the inbox page", chromedp.WaitVisible(testid("inbox-snippet-copy")))
	do(t, ctx, "copy the widget snippet", chromedp.Click(testid("inbox-snippet-copy")))
	waitJS(t, ctx, "the snippet step is done",
		`document.querySelector('[data-testid=setup-step][data-step=widget_snippet]').dataset.done === 'true'`)

	// The HMAC secret is hidden until revealed, and rotating shows the new one.
	if shown := eval[bool](t, ctx, `document.querySelector('[data-testid=inbox-secret]').dataset.revealed === 'true'`); shown {
		t.Fatal("the HMAC secret is shown before it is revealed")
	}
	do(t, ctx, "reveal the HMAC secret", chromedp.Click(testid("inbox-secret-reveal")))
	waitJS(t, ctx, "the secret is revealed", `document.querySelector('[data-testid=inbox-secret]').dataset.revealed === 'true'`)
	in, err := e.srv.App.Convs.InboxByID(context.Background(), e.srv.InboxID)
	if err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=inbox-secret]').textContent`); got != in.HMACSecret {
		t.Fatalf("revealed secret %q, the inbox's is %q", got, in.HMACSecret)
	}
	do(t, ctx, "rotate it",
		chromedp.Click(testid("inbox-secret-rotate")),
		chromedp.WaitVisible(testid("inbox-secret-rotate-confirm")),
		chromedp.Click(testid("inbox-secret-rotate-confirm")))
	waitJS(t, ctx, "the new secret shows", `document.querySelector('[data-testid=inbox-secret]').textContent !== `+js(in.HMACSecret))
	rotated, err := e.srv.App.Convs.InboxByID(context.Background(), e.srv.InboxID)
	if err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=inbox-secret]').textContent`); got != rotated.HMACSecret || got == in.HMACSecret {
		t.Fatalf("after rotating the page shows %q; stored %q, old %q", got, rotated.HMACSecret, in.HMACSecret)
	}

	do(t, ctx, "dismiss the checklist", chromedp.Click(testid("setup-dismiss")))
	waitJS(t, ctx, "the checklist is hidden", `document.querySelector('[data-testid=setup-checklist]').hidden`)
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(testid("nav-admin")))
	if vis := eval[bool](t, ctx, `(() => { const s = document.querySelector('[data-testid=setup-checklist]'); return !!s && !s.hidden; })()`); vis {
		t.Fatal("the dismissed checklist is back after a reload")
	}
}

func setupSteps(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	return eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('[data-testid=setup-step]')].map((li) => [li.dataset.step, li.dataset.done]))`)
}

func sameSteps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
