package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: err %v, want code %q", what, err, code)
	}
}

func TestTOTPEnrollAndSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
		svc := auth.NewService(db, clk.now)
		const pw = "correct horse battery"
		a, err := svc.CreateAgent(ctx, "mei@example.com", "Mei", auth.RoleAgent, pw)
		if err != nil {
			t.Fatal(err)
		}
		creds := auth.Credentials{Email: a.Email, Password: pw, IP: "192.0.2.1"}
		if _, err := svc.SignIn(ctx, creds); err != nil {
			t.Fatalf("sign in without TOTP: %v", err)
		}
		_, err = svc.ConfirmTOTP(ctx, a.ID, "123456")
		wantCode(t, "confirm before begin", err, apperr.Invalid)

		e, err := svc.BeginTOTP(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Secret == "" || !strings.HasPrefix(e.OTPAuthURL, "otpauth://totp/Huiying:mei@example.com?") {
			t.Fatalf("enrollment %+v", e)
		}
		// Pending: sign-in still needs no code.
		if _, err := svc.SignIn(ctx, creds); err != nil {
			t.Fatalf("sign in with pending enrollment: %v", err)
		}
		_, err = svc.ConfirmTOTP(ctx, a.ID, "000000")
		wantCode(t, "confirm with a wrong code", err, apperr.Invalid)
		code, _ := totp.GenerateCode(e.Secret, clk.now())
		codes, err := svc.ConfirmTOTP(ctx, a.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != auth.RecoveryCodeCount {
			t.Fatalf("%d recovery codes", len(codes))
		}
		var stored int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM totp_recovery_codes WHERE agent_id = ? AND code_hash = ?", a.ID, codes[0]).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("a recovery code is stored in clear (%d, %v)", stored, err)
		}
		if got, _ := svc.AgentByID(ctx, a.ID); !got.TOTPEnabled {
			t.Fatal("TOTPEnabled not set after confirm")
		}
		_, err = svc.BeginTOTP(ctx, a.ID)
		wantCode(t, "begin while on", err, apperr.Conflict)

		// Sign-in now needs the second factor.
		res, err := svc.SignIn(ctx, creds)
		wantCode(t, "sign in without code", err, apperr.TOTPRequired)
		if res.Agent.ID != a.ID {
			t.Fatalf("totp_required result %+v", res)
		}
		c2 := creds
		c2.TOTPCode = "000000"
		_, err = svc.SignIn(ctx, c2)
		wantCode(t, "wrong code", err, apperr.Unauthorized)
		clk.advance(30 * time.Second)
		c2.TOTPCode, _ = totp.GenerateCode(e.Secret, clk.now())
		if _, err := svc.SignIn(ctx, c2); err != nil {
			t.Fatalf("sign in with code: %v", err)
		}
		// The same code cannot be used twice, even within its window.
		_, err = svc.SignIn(ctx, c2)
		wantCode(t, "replayed code", err, apperr.Unauthorized)
		clk.advance(30 * time.Second)
		c2.TOTPCode, _ = totp.GenerateCode(e.Secret, clk.now())
		if _, err := svc.SignIn(ctx, c2); err != nil {
			t.Fatalf("sign in with the next code: %v", err)
		}
		// A recovery code works once, in any case and spacing.
		c3 := creds
		c3.RecoveryCode = strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
		if res, err := svc.SignIn(ctx, c3); err != nil || !res.UsedRecoveryCode {
			t.Fatalf("sign in with recovery code: %+v %v", res, err)
		}
		_, err = svc.SignIn(ctx, c3)
		wantCode(t, "recovery code used twice", err, apperr.Unauthorized)
		if n, _ := svc.RecoveryCodesLeft(ctx, a.ID); n != auth.RecoveryCodeCount-1 {
			t.Fatalf("%d recovery codes left", n)
		}

		// Disabling needs the password; then sign-in needs no code again.
		wantCode(t, "disable with wrong password", svc.DisableTOTP(ctx, a.ID, "wrong password!", "192.0.2.1"), apperr.Unauthorized)
		if err := svc.DisableTOTP(ctx, a.ID, pw, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SignIn(ctx, creds); err != nil {
			t.Fatalf("sign in after disable: %v", err)
		}

		// Admins must have it, and cannot turn it off.
		admin, err := svc.CreateAgent(ctx, "root@example.com", "Root", auth.RoleAdmin, pw)
		if err != nil {
			t.Fatal(err)
		}
		if !admin.NeedsTOTPSetup() {
			t.Fatal("a new admin does not need TOTP setup")
		}
		res, err = svc.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: pw})
		if err != nil || !res.Agent.NeedsTOTPSetup() {
			t.Fatalf("admin without TOTP signs in flagged: %+v %v", res, err)
		}
		e, _ = svc.BeginTOTP(ctx, admin.ID)
		code, _ = totp.GenerateCode(e.Secret, clk.now())
		if _, err := svc.ConfirmTOTP(ctx, admin.ID, code); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "admin disables TOTP", svc.DisableTOTP(ctx, admin.ID, pw, "192.0.2.1"), apperr.Forbidden)
	})
}

func TestSignInLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
		svc := auth.NewService(db, clk.now)
		const pw = "correct horse battery"
		a, err := svc.CreateAgent(ctx, "mei@example.com", "Mei", auth.RoleAgent, pw)
		if err != nil {
			t.Fatal(err)
		}
		good := auth.Credentials{Email: a.Email, Password: pw, IP: "192.0.2.1"}
		bad := good
		bad.Password = "not the password"

		// Failures below the limit, then a success, clear the count.
		for range auth.MaxLoginFailuresPair - 1 {
			_, err := svc.SignIn(ctx, bad)
			wantCode(t, "wrong password", err, apperr.Unauthorized)
		}
		if _, err := svc.SignIn(ctx, good); err != nil {
			t.Fatalf("sign in after 9 failures: %v", err)
		}
		for i := range auth.MaxLoginFailuresPair {
			_, err := svc.SignIn(ctx, bad)
			wantCode(t, "wrong password", err, apperr.Unauthorized)
			clk.advance(time.Second * time.Duration(i))
		}
		// Locked: even the right password is refused, and the answer is
		// the same for an email nobody has.
		_, err = svc.SignIn(ctx, good)
		wantCode(t, "locked", err, apperr.RateLimited)
		if !strings.Contains(err.Error(), "try again") {
			t.Fatalf("lockout message %q does not say when to retry", err)
		}
		ghost := auth.Credentials{Email: "nobody@example.com", Password: "whatever pw", IP: "192.0.2.9"}
		for range auth.MaxLoginFailuresPair {
			_, err := svc.SignIn(ctx, ghost)
			wantCode(t, "unknown email", err, apperr.Unauthorized)
		}
		_, err = svc.SignIn(ctx, ghost)
		wantCode(t, "unknown email locked", err, apperr.RateLimited)

		// The lock ends when the window has passed.
		clk.advance(auth.LoginWindow)
		if _, err := svc.SignIn(ctx, good); err != nil {
			t.Fatalf("sign in after the lock: %v", err)
		}

		// Per IP: many emails from one address.
		for i := range auth.MaxLoginFailuresIP {
			c := auth.Credentials{Email: "probe" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com",
				Password: "guess guess", IP: "198.51.100.7"}
			_, err := svc.SignIn(ctx, c)
			wantCode(t, "probe", err, apperr.Unauthorized)
		}
		fromIP := good
		fromIP.IP = "198.51.100.7"
		_, err = svc.SignIn(ctx, fromIP)
		wantCode(t, "IP locked", err, apperr.RateLimited)
		if _, err := svc.SignIn(ctx, good); err != nil { // another address is fine
			t.Fatalf("sign in from another IP: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM login_failures WHERE email = ?", a.Email).Scan(&n); err != nil || n != 0 {
			t.Fatalf("failures of %s after success: %d %v", a.Email, n, err)
		}
	})
}

func TestTokenScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := auth.NewService(db, time.Now)
		a, err := svc.CreateAgent(ctx, "mei@example.com", "Mei", auth.RoleAgent, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range []auth.Scope{"", auth.ScopeRead, auth.ScopeWrite, auth.ScopeAdmin} {
			secret, tok, err := svc.CreateToken(ctx, a.ID, "t", sc, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := sc
			if sc == "" {
				want = auth.ScopeWrite
			}
			_, got, err := svc.AgentForToken(ctx, secret)
			if err != nil || got != want || tok.Scope != want {
				t.Fatalf("scope %q: token %+v, AgentForToken scope %q, %v", sc, tok, got, err)
			}
		}
		_, _, err = svc.CreateToken(ctx, a.ID, "t", "root", 0)
		wantCode(t, "unknown scope", err, apperr.Invalid)
	})
}
