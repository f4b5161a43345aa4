package uitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// An admin without two-factor sign-in (like the first-run admin) is taken
// through enrollment at the first console sign-in, gets recovery codes, and
// signs in with a code afterwards.
func TestAdminEnrollsTwoFactorAtFirstSignIn(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAgent(t, "boss@example.com", "Boss", "admin")
	ctx := e.person(t)
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	do(t, ctx, "sign in as an admin without two-factor",
		chromedp.SendKeys(testid("login-email"), admin.Email),
		chromedp.SendKeys(testid("login-password"), admin.Password),
		chromedp.Click(testid("login-submit")),
		chromedp.WaitVisible(testid("totp-secret")))
	secret := eval[string](t, ctx, `document.querySelector('[data-testid=totp-secret]').textContent.trim()`)
	url := eval[string](t, ctx, `document.querySelector('[data-testid=totp-url]').textContent.trim()`)
	if secret == "" || !strings.HasPrefix(url, "otpauth://totp/") || !strings.Contains(url, "secret="+secret) {
		t.Fatalf("enrollment shows secret %q and URL %q", secret, url)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "confirm with a code from the authenticator",
		chromedp.SendKeys(testid("totp-code"), code),
		chromedp.Click(testid("totp-confirm")),
		chromedp.WaitVisible(testid("totp-recovery-codes")))
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=totp-recovery-codes] li').length`); n != 10 {
		t.Fatalf("%d recovery codes shown, want 10", n)
	}
	do(t, ctx, "continue to the inbox",
		chromedp.Click(testid("totp-done")),
		chromedp.WaitVisible(testid("conversation-list")))

	// Next time the code is asked for after the password.
	do(t, ctx, "sign out", chromedp.Click(testid("sign-out")), chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, secret)
}

// signInWithCode fills the open sign-in form with the password, then the
// current code of the authenticator holding secret, and waits for the inbox.
func signInWithCode(t *testing.T, ctx context.Context, email, password, secret string) {
	t.Helper()
	do(t, ctx, "enter the password",
		chromedp.SendKeys(testid("login-email"), email),
		chromedp.SendKeys(testid("login-password"), password),
		chromedp.Click(testid("login-submit")),
		chromedp.WaitVisible(testid("login-totp")))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "enter the code",
		chromedp.SendKeys(testid("login-totp"), code),
		chromedp.Click(testid("login-submit")),
		chromedp.WaitVisible(testid("conversation-list")))
}
