package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

const testPassword = "correct horse battery"

// limitsFixture is a service on db with one agent, a fixed clock, and
// argon2id slots that never refuse (so every answer is the limiter's).
func limitsFixture(t *testing.T, db *store.DB) (*auth.Service, auth.Agent, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	svc := auth.NewService(db, clk.now)
	auth.SetArgon(svc, 2, time.Minute, nil)
	a, err := svc.CreateAgent(context.Background(), "mei@example.com", "Mei", auth.RoleAgent, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return svc, a, clk
}

// concurrently runs fn n times at once and counts the answers by code.
func concurrently(n int, fn func(i int) error) map[string]int {
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			err := fn(i)
			code := apperr.CodeOf(err)
			if err == nil {
				code = "ok"
			} else if code == "" {
				code = "internal: " + err.Error()
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return codes
}

// The attack of issue 12: 50 wrong passwords at once from one address.
// Before reservations, every one was checked (and answered 401).
func TestConcurrentWrongSignInsAreBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, a, _ := limitsFixture(t, db)
		var refusals sync.Map
		codes := concurrently(50, func(int) error {
			res, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: "not the password", IP: "203.0.113.5"})
			if apperr.Is(err, apperr.RateLimited) {
				if res.Refused == nil || res.Refused.Limit != auth.LimitPair {
					t.Errorf("429 without the refusing limit: %+v", res.Refused)
				} else if _, dup := refusals.LoadOrStore(res.Refused.Count, true); dup {
					t.Errorf("refusal count %d reported twice", res.Refused.Count)
				}
			}
			return err
		})
		if codes[apperr.Unauthorized] != auth.MaxLoginFailuresPair || codes[apperr.RateLimited] != 50-auth.MaxLoginFailuresPair {
			t.Fatalf("answers %v, want %d unauthorized and the rest rate_limited", codes, auth.MaxLoginFailuresPair)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT n FROM signin_refusals WHERE limit_key = ?",
			auth.LimitPair+":"+a.Email+" 203.0.113.5").Scan(&n); err != nil || n != 40 {
			t.Fatalf("refusals counted: %d, %v; want 40", n, err)
		}
		// Even the right password is refused now, and checks nothing.
		_, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: testPassword, IP: "203.0.113.5"})
		wantCode(t, "right password while locked", err, apperr.RateLimited)
		var ae *apperr.Error
		if !asAppErr(err, &ae) || ae.RetryAfter <= 0 || ae.RetryAfter > auth.LoginWindow {
			t.Fatalf("lockout without a Retry-After: %#v", err)
		}
	})
}

func asAppErr(err error, out **apperr.Error) bool { return errors.As(err, out) }

// Failures from other addresses lock those addresses, not the owner; only
// the per-account ceiling locks the account, and not from an address the
// owner signed in from before.
func TestOthersCannotLockOutTheOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, a, clk := limitsFixture(t, db)
		owner := auth.Credentials{Email: a.Email, Password: testPassword, IP: "192.0.2.1"}
		if _, err := svc.SignIn(ctx, owner); err != nil {
			t.Fatalf("owner's first sign-in: %v", err)
		}
		attack := func(ip string, n int) {
			t.Helper()
			codes := concurrently(n, func(int) error {
				_, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: "guess guess", IP: ip})
				return err
			})
			if codes[apperr.Unauthorized] != min(n, auth.MaxLoginFailuresPair) {
				t.Fatalf("attack from %s: %v", ip, codes)
			}
		}
		perIP := auth.MaxLoginFailuresPair + 2
		ips := auth.MaxLoginFailuresEmail / auth.MaxLoginFailuresPair
		for i := range ips - 1 {
			attack(fmt.Sprintf("198.51.100.%d", i+1), perIP)
		}
		// 90 failures for the account from elsewhere: the owner, from their
		// own address or a new one, is not locked out.
		if _, err := svc.SignIn(ctx, owner); err != nil {
			t.Fatalf("owner after %d failures from other addresses: %v", (ips-1)*auth.MaxLoginFailuresPair, err)
		}
		traveling := owner
		traveling.IP = "192.0.2.77"
		if _, err := svc.SignIn(ctx, traveling); err != nil {
			t.Fatalf("owner from a new address before the ceiling: %v", err)
		}
		// The owner's success does not reset the others' count: the next
		// address brings the account to its ceiling.
		attack(fmt.Sprintf("198.51.100.%d", ips), perIP)
		newIP := owner
		newIP.IP = "192.0.2.200"
		res, err := svc.SignIn(ctx, newIP)
		wantCode(t, "a new address at the account's ceiling", err, apperr.RateLimited)
		if res.Refused == nil || res.Refused.Limit != auth.LimitEmail {
			t.Fatalf("refused by %+v, want the per-account ceiling", res.Refused)
		}
		// …but the addresses the owner signed in from stay open.
		if _, err := svc.SignIn(ctx, owner); err != nil {
			t.Fatalf("owner from a known address at the ceiling: %v", err)
		}
		if _, err := svc.SignIn(ctx, traveling); err != nil {
			t.Fatalf("owner from the other known address at the ceiling: %v", err)
		}
		// A wrong password from a known address still counts, per address.
		for range auth.MaxLoginFailuresPair {
			_, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: "typo typo", IP: owner.IP})
			wantCode(t, "owner's typo", err, apperr.Unauthorized)
		}
		_, err = svc.SignIn(ctx, owner)
		wantCode(t, "known address after its own failures", err, apperr.RateLimited)
		// Everything ends with the window.
		clk.advance(auth.LoginWindow)
		if _, err := svc.SignIn(ctx, newIP); err != nil {
			t.Fatalf("new address after the window: %v", err)
		}
	})
}

// 20 wrong two-factor codes at once, with the right password.
func TestConcurrentWrongTOTPCodesAreBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, a, clk := limitsFixture(t, db)
		e, err := svc.BeginTOTP(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(e.Secret, clk.now())
		if _, err := svc.ConfirmTOTP(ctx, a.ID, code); err != nil {
			t.Fatal(err)
		}
		wrong := wrongCode(t, e.Secret, clk.now())
		codes := concurrently(20, func(int) error {
			_, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: testPassword, TOTPCode: wrong, IP: "203.0.113.9"})
			return err
		})
		if codes[apperr.Unauthorized] != auth.MaxLoginFailuresPair || codes[apperr.RateLimited] != 20-auth.MaxLoginFailuresPair {
			t.Fatalf("answers %v, want %d unauthorized and the rest rate_limited", codes, auth.MaxLoginFailuresPair)
		}
		// A missing code (totp_required) is not a failure and is not held.
		_, err = svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: testPassword, IP: "192.0.2.3"})
		wantCode(t, "no code", err, apperr.TOTPRequired)
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM login_failures WHERE ip = ?", "192.0.2.3").Scan(&n); err != nil || n != 0 {
			t.Fatalf("totp_required left %d failures (%v)", n, err)
		}
	})
}

// wrongCode is a six-digit code valid in no step around at.
func wrongCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := totp.GenerateCode(secret, at.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		valid[c] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i)
		if !valid[c] {
			return c
		}
	}
}

// Checking the current password to change it, or to turn two-factor
// sign-in off, is limited like a sign-in and counts towards it.
func TestPasswordChecksOfSignedInAgentsAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, a, _ := limitsFixture(t, db)
		const ip = "203.0.113.20"
		codes := concurrently(15, func(int) error {
			return svc.ChangePassword(ctx, a.ID, "guess guess", "a brand new password", "", ip)
		})
		if codes[apperr.Unauthorized] != auth.MaxLoginFailuresPair || codes[apperr.RateLimited] != 15-auth.MaxLoginFailuresPair {
			t.Fatalf("password changes: %v", codes)
		}
		err := svc.ChangePassword(ctx, a.ID, testPassword, "a brand new password", "", ip)
		wantCode(t, "right current password while locked", err, apperr.RateLimited)
		_, err = svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: testPassword, IP: ip})
		wantCode(t, "sign-in from the same address", err, apperr.RateLimited)
		if _, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: testPassword, IP: "192.0.2.1"}); err != nil {
			t.Fatalf("the password changed while locked, or another address is locked: %v", err)
		}

		const ip2 = "203.0.113.21"
		codes = concurrently(15, func(int) error { return svc.DisableTOTP(ctx, a.ID, "guess guess", ip2) })
		if codes[apperr.Unauthorized] != auth.MaxLoginFailuresPair || codes[apperr.RateLimited] != 15-auth.MaxLoginFailuresPair {
			t.Fatalf("two-factor disables: %v", codes)
		}
		// From another address the right password works, and clears only
		// that address's failures.
		if err := svc.ChangePassword(ctx, a.ID, testPassword, "a brand new password", "", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		err = svc.DisableTOTP(ctx, a.ID, "a brand new password", ip2)
		wantCode(t, "disable from the locked address", err, apperr.RateLimited)
	})
}

// kdfCounter stands in for argon2id: it counts calls and how many run at
// once, and holds each call until release is closed.
type kdfCounter struct {
	calls, now, peak atomic.Int64
	release          chan struct{}
}

func (k *kdfCounter) kdf(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	k.calls.Add(1)
	cur := k.now.Add(1)
	for {
		old := k.peak.Load()
		if cur <= old || k.peak.CompareAndSwap(old, cur) {
			break
		}
	}
	<-k.release
	k.now.Add(-1)
	return argon2.IDKey(pw, salt, 1, 8, 1, n) // cheap, but a real key
}

// However many passwords are checked at once, at most the slots run
// argon2id (64 MiB each) at the same time.
func TestArgonWorkIsBounded(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	svc := auth.NewService(db, time.Now)
	if n := auth.ArgonSlots(svc); n < 1 || n > 8 {
		t.Fatalf("%d argon2id slots by default", n)
	}
	k := &kdfCounter{release: make(chan struct{})}
	close(k.release)
	auth.SetArgon(svc, 3, time.Minute, k.kdf)
	a, err := svc.CreateAgent(ctx, "mei@example.com", "Mei", auth.RoleAgent, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	k.release = make(chan struct{})
	k.calls.Store(0)
	done := make(chan map[string]int)
	go func() {
		done <- concurrently(24, func(i int) error {
			ip := fmt.Sprintf("203.0.113.%d", i)
			switch i % 4 {
			case 0: // an unknown email: the decoy check
				_, err := svc.SignIn(ctx, auth.Credentials{Email: "nobody@example.com", Password: "x", IP: ip})
				return err
			case 1:
				_, err := svc.SignIn(ctx, auth.Credentials{Email: a.Email, Password: "x", IP: ip})
				return err
			case 2:
				return svc.ChangePassword(ctx, a.ID, "wrong wrong", "another password", "", ip)
			default:
				return svc.DisableTOTP(ctx, a.ID, "wrong wrong", ip)
			}
		})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for k.now.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d hashes running after 30 s, want 3", k.now.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the others reach the semaphore
	if p := k.peak.Load(); p != 3 {
		t.Fatalf("%d argon2id runs at once, want the 3 slots", p)
	}
	close(k.release)
	codes := <-done
	if codes[apperr.Unauthorized] != 24 || k.calls.Load() != 24 || k.peak.Load() != 3 {
		t.Fatalf("answers %v, %d argon2id calls, peak %d; want 24 unauthorized, 24 calls, peak 3",
			codes, k.calls.Load(), k.peak.Load())
	}
}

// An attempt that finds no free slot within the wait is refused with 429
// and Retry-After, and does not count as a failure.
func TestArgonBusyRefuses(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	svc := auth.NewService(db, time.Now)
	k := &kdfCounter{release: make(chan struct{})}
	auth.SetArgon(svc, 1, 50*time.Millisecond, k.kdf)
	held := make(chan error)
	go func() {
		_, err := svc.SignIn(ctx, auth.Credentials{Email: "a@example.com", Password: "x", IP: "192.0.2.1"})
		held <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for k.now.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the first check never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	res, err := svc.SignIn(ctx, auth.Credentials{Email: "b@example.com", Password: "x", IP: "192.0.2.2"})
	wantCode(t, "no free slot", err, apperr.RateLimited)
	var ae *apperr.Error
	if !asAppErr(err, &ae) || ae.RetryAfter <= 0 || res.Refused == nil || res.Refused.Limit != auth.LimitBusy || res.Refused.Count != 1 {
		t.Fatalf("busy refusal %#v, %+v", err, res.Refused)
	}
	close(k.release)
	wantCode(t, "the held check", <-held, apperr.Unauthorized)
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM login_failures WHERE ip = ?", "192.0.2.2").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the refused attempt left %d failures (%v)", n, err)
	}
}
