package uitest

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/huiying/huiying/internal/browsertest"
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
	otpURL := eval[string](t, ctx, `document.querySelector('[data-testid=totp-url]').textContent.trim()`)
	if secret == "" || !strings.HasPrefix(otpURL, "otpauth://totp/") || !strings.Contains(otpURL, "secret="+secret) {
		t.Fatalf("enrollment shows secret %q and URL %q", secret, otpURL)
	}
	// The QR code is shown, loaded and large enough to scan from a screen.
	waitJS(t, ctx, "the QR code loads", `(() => { const i = document.querySelector('[data-testid=totp-qr]');
		return i && i.complete && i.naturalWidth > 0; })()`)
	if w := eval[float64](t, ctx, `document.querySelector('[data-testid=totp-qr]').getBoundingClientRect().width`); w < 150 {
		t.Fatalf("the QR code is %.0f px wide on screen, too small to scan", w)
	}
	if alt := eval[string](t, ctx, `document.querySelector('[data-testid=totp-qr]').alt`); alt == "" {
		t.Fatal("the QR code has no text alternative")
	}
	browsertest.Shot(t, ctx, "console-totp-qr")
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
	// The codes can be downloaded as a text file holding every one of them.
	if name := eval[string](t, ctx, `document.querySelector('[data-testid=totp-download-codes]').getAttribute('download')`); !strings.HasSuffix(name, ".txt") {
		t.Fatalf("recovery codes download as %q, want a .txt file", name)
	}
	href := eval[string](t, ctx, `document.querySelector('[data-testid=totp-download-codes]').href`)
	const textFile = "data:text/plain;charset=utf-8,"
	if !strings.HasPrefix(href, textFile) {
		t.Fatalf("recovery codes download from %.60q, want a text file", href)
	}
	file, err := url.PathUnescape(strings.TrimPrefix(href, textFile))
	if err != nil {
		t.Fatalf("recovery codes file: %v", err)
	}
	for _, c := range eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=totp-recovery-codes] li')].map((li) => li.textContent.trim())`) {
		if !strings.Contains(file, c) {
			t.Fatalf("the downloaded file lacks recovery code %q:\n%s", c, file)
		}
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
