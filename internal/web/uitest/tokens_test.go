package uitest

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/auth"
)

// An admin on a phone opens Admin → API tokens, sees an agent's token with
// no secret on the page, and revokes it after confirming; the token stops
// working.
func TestAdminRevokesTokenOnPhone(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	secret, tok, err := e.srv.App.Auth.CreateToken(context.Background(), e.agent.ID, "deploy bot", auth.ScopeWrite, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "open the console's sign-in form on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	do(t, ctx, "open Admin → API tokens",
		chromedp.Navigate(e.srv.URL+"/#/admin/tokens"),
		chromedp.WaitVisible(testid("admin-tab-tokens")))
	row := `document.querySelector('[data-testid=token-row][data-token-id=` + js(tok.ID) + `]')`
	waitJS(t, ctx, "the agent's token is listed", row+` && `+row+`.textContent.includes('deploy bot') && `+row+`.textContent.includes(`+js(e.agent.Email)+`)`)
	if has := eval[bool](t, ctx, `document.body.innerHTML.includes(`+js(secret)+`)`); has {
		t.Fatal("the token's secret is on the page")
	}
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Fatalf("the tokens page scrolls sideways on a phone by %vpx", w)
	}
	do(t, ctx, "ask to revoke", chromedp.Click(chromedp.CSS(`[data-token-id="`+tok.ID+`"] [data-testid=token-revoke]`)))
	if status, _ := e.srv.Do(t, "GET", "/api/v1/me", secret, nil); status != http.StatusOK {
		t.Fatalf("the token before confirming: %d, want 200", status)
	}
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`[data-token-id="`+tok.ID+`"] [data-testid=token-revoke-confirm]`)))
	waitJS(t, ctx, "the token shows as revoked", row+` && `+row+`.querySelector('[data-testid=token-state]').dataset.state === 'revoked'`)
	if status, _ := e.srv.Do(t, "GET", "/api/v1/me", secret, nil); status != http.StatusUnauthorized {
		t.Fatalf("the revoked token: %d, want 401", status)
	}
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}
