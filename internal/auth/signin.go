package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
)

// Sign-in rate limits: failures are counted over a sliding window, per
// email (whether or not an agent has it, so a lockout tells nothing about
// which emails exist) and per client IP.
const (
	LoginWindow           = 15 * time.Minute
	MaxLoginFailuresEmail = 10
	MaxLoginFailuresIP    = 30
)

// Credentials is one console sign-in attempt.
type Credentials struct {
	Email        string
	Password     string
	TOTPCode     string // with two-factor sign-in on: the current code…
	RecoveryCode string // …or one unused recovery code
	IP           string // the client's address, for the per-IP limit
}

// SignInResult is a successful (or, with Agent set, a half-successful)
// sign-in.
type SignInResult struct {
	Agent            Agent
	UsedRecoveryCode bool
}

// SignIn checks credentials against the rate limits, the password and,
// when the agent has it on, the second factor. Every failure except
// totp_required counts against the email and the IP; success clears the
// email's failures. On failure after a right password (a missing or wrong
// second factor) the result's Agent is set, for the audit log.
//
// Errors: 429 rate_limited (too many failures; nothing is checked),
// 401 unauthorized (wrong email, password or code), 401 totp_required.
func (s *Service) SignIn(ctx context.Context, c Credentials) (SignInResult, error) {
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if len(email) > 320 {
		email = email[:320]
	}
	if err := s.checkLoginLimits(ctx, email, c.IP); err != nil {
		return SignInResult{}, err
	}
	var id, hash, secret string
	err := s.db.QueryRow(ctx, "SELECT id, password_hash, totp_secret FROM agents WHERE email = ? AND active = 1",
		email).Scan(&id, &hash, &secret)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SignInResult{}, fmt.Errorf("sign in: %w", err)
	}
	if err != nil {
		CheckPassword(decoyHash(), c.Password) // same timing as a real check
		return SignInResult{}, s.loginFailed(ctx, email, c.IP, "wrong email or password")
	}
	if !CheckPassword(hash, c.Password) {
		return SignInResult{}, s.loginFailed(ctx, email, c.IP, "wrong email or password")
	}
	a, err := s.AgentByID(ctx, id)
	if err != nil {
		return SignInResult{}, err
	}
	res := SignInResult{Agent: a}
	if secret != "" {
		switch {
		case strings.TrimSpace(c.TOTPCode) != "":
			step, ok := s.totpStep(secret, c.TOTPCode)
			if !ok {
				return res, s.loginFailed(ctx, email, c.IP, "wrong two-factor code")
			}
			fresh, err := s.spendTOTPStep(ctx, id, step)
			if err != nil {
				return res, err
			}
			if !fresh {
				return res, s.loginFailed(ctx, email, c.IP, "this two-factor code was used already; wait for the next one")
			}
		case strings.TrimSpace(c.RecoveryCode) != "":
			ok, err := s.useRecoveryCode(ctx, id, c.RecoveryCode)
			if err != nil {
				return res, err
			}
			if !ok {
				return res, s.loginFailed(ctx, email, c.IP, "wrong or already used recovery code")
			}
			res.UsedRecoveryCode = true
		default:
			return res, apperr.New(apperr.TOTPRequired,
				"enter the code from your authenticator app (totp_code), or a recovery code (recovery_code)")
		}
	}
	if _, err := s.db.Exec(ctx, "DELETE FROM login_failures WHERE email = ?", email); err != nil {
		return res, fmt.Errorf("clear sign-in failures: %w", err)
	}
	return res, nil
}

// checkLoginLimits answers 429 while the email or the IP has too many
// recent failures, saying when to try again.
func (s *Service) checkLoginLimits(ctx context.Context, email, ip string) error {
	now := s.now()
	since := now.Add(-LoginWindow).UnixMilli()
	check := func(col, val string, max int) error {
		rows, err := s.db.Query(ctx, "SELECT at FROM login_failures WHERE "+col+" = ? AND at > ? ORDER BY at DESC LIMIT ?",
			val, since, max)
		if err != nil {
			return fmt.Errorf("count sign-in failures: %w", err)
		}
		defer rows.Close()
		var n int
		var oldest int64
		for rows.Next() {
			if err := rows.Scan(&oldest); err != nil {
				return fmt.Errorf("count sign-in failures: %w", err)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("count sign-in failures: %w", err)
		}
		if n < max {
			return nil
		}
		retry := time.UnixMilli(oldest).Add(LoginWindow).UTC()
		mins := int(retry.Sub(now).Round(time.Minute) / time.Minute)
		if mins < 1 {
			mins = 1
		}
		return apperr.NewRetry(apperr.RateLimited, retry.Sub(now),
			"too many failed sign-ins; sign-in is locked until %s (try again in about %d minutes)",
			retry.Format("15:04 UTC"), mins)
	}
	if err := check("email", email, MaxLoginFailuresEmail); err != nil {
		return err
	}
	if ip != "" {
		return check("ip", ip, MaxLoginFailuresIP)
	}
	return nil
}

// loginFailed records a failure and returns the 401 to answer with. Old
// failures are deleted on the way.
func (s *Service) loginFailed(ctx context.Context, email, ip, msg string) error {
	now := s.now().UnixMilli()
	if _, err := s.db.Exec(ctx, "DELETE FROM login_failures WHERE at <= ?", now-LoginWindow.Milliseconds()); err != nil {
		return fmt.Errorf("delete old sign-in failures: %w", err)
	}
	if _, err := s.db.Exec(ctx, "INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?)", email, ip, now); err != nil {
		return fmt.Errorf("record sign-in failure: %w", err)
	}
	return apperr.New(apperr.Unauthorized, "%s", msg)
}
