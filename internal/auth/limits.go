package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Limits on password and code attempts (sign-in, password change, turning
// two-factor sign-in off), counted over a sliding window in the database so
// that every node sees the same counts.
//
// The tight limit is per account and client IP together: an attacker's
// failures lock out the attacker's address, not the account's owner. The
// per-account ceiling bounds guessing from many addresses; it does not
// apply to an address the agent signed in from successfully within
// KnownIPTTL, so failures from elsewhere cannot lock an agent out from
// their usual address. The per-IP ceiling bounds one address trying many
// accounts.
const (
	LoginWindow           = 15 * time.Minute
	MaxLoginFailuresPair  = 10  // per (email, IP)
	MaxLoginFailuresEmail = 100 // per email, all addresses together
	MaxLoginFailuresIP    = 30  // per client IP, all emails together
	KnownIPTTL            = 30 * 24 * time.Hour
)

// Limit names, as reported in Refusal.Limit.
const (
	LimitPair  = "email_ip"
	LimitEmail = "email"
	LimitIP    = "ip"
	LimitBusy  = "busy" // no argon2id slot free within ArgonWait
)

// Refusal describes an attempt refused with 429, for the audit log: the
// limit that refused it and how many attempts that limit has refused for
// the same key in the current window (busy: since the server started).
// Refusals are counted, not each recorded, so a flood of them cannot fill
// the audit log.
type Refusal struct {
	Limit string
	Count int64
}

// attempt is a reserved attempt: a login_failures row written before the
// password was checked. Left alone it counts as a failure; success clears
// it, and an attempt that checked nothing (busy, an internal error) voids it.
type attempt struct {
	id        int64
	email, ip string
}

// reserve checks the limits and, when none is reached, records the attempt
// as a failure, in one write transaction: write transactions run one at a
// time on both engines (store.DB.Begin), so concurrent attempts cannot all
// see the count below the limit. A refused attempt is counted in
// signin_refusals and answers 429 with the time the lock ends.
func (s *Service) reserve(ctx context.Context, email, ip string) (attempt, *Refusal, error) {
	now := s.now()
	nowMs := now.UnixMilli()
	since := nowMs - LoginWindow.Milliseconds()
	a := attempt{email: email, ip: ip}
	var refusal *Refusal
	var refused error
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM login_failures WHERE at <= ?", since); err != nil {
			return fmt.Errorf("delete old sign-in failures: %w", err)
		}
		type check struct {
			limit, key, where string
			args              []any
			max               int
		}
		checks := []check{{LimitPair, email + " " + ip, "email = ? AND ip = ?", []any{email, ip}, MaxLoginFailuresPair}}
		if ip != "" {
			checks = append(checks, check{LimitIP, ip, "ip = ?", []any{ip}, MaxLoginFailuresIP})
		}
		checks = append(checks, check{LimitEmail, email, "email = ?", []any{email}, MaxLoginFailuresEmail})
		for _, c := range checks {
			// The max-th newest failure in the window, if there are that many:
			// the lock ends when it leaves the window.
			var oldest int64
			err := tx.QueryRow(ctx, "SELECT at FROM login_failures WHERE "+c.where+" AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?",
				append(c.args, since, c.max-1)...).Scan(&oldest)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("count sign-in failures: %w", err)
			}
			if c.limit == LimitEmail && ip != "" {
				var known int
				if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM signin_known_ips WHERE email = ? AND ip = ? AND at > ?",
					email, ip, nowMs-KnownIPTTL.Milliseconds()).Scan(&known); err != nil {
					return fmt.Errorf("read known sign-in addresses: %w", err)
				}
				if known > 0 {
					continue
				}
			}
			n, err := countRefusal(ctx, tx, c.limit+":"+c.key, nowMs)
			if err != nil {
				return err
			}
			refusal = &Refusal{Limit: c.limit, Count: n}
			refused = lockedError(c.limit, now, time.UnixMilli(oldest).Add(LoginWindow))
			return nil // commit the refusal count
		}
		err := tx.QueryRow(ctx, "INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?) RETURNING id",
			email, ip, nowMs).Scan(&a.id)
		if err != nil {
			return fmt.Errorf("record sign-in attempt: %w", err)
		}
		return nil
	})
	if err != nil {
		return a, nil, err
	}
	return a, refusal, refused
}

// countRefusal adds one to the refusals of key in the current fixed window
// and returns the new count; counts of past windows are deleted.
func countRefusal(ctx context.Context, tx *store.Tx, key string, nowMs int64) (int64, error) {
	w := LoginWindow.Milliseconds()
	start := nowMs - nowMs%w
	if _, err := tx.Exec(ctx, "DELETE FROM signin_refusals WHERE window_start < ?", start-w); err != nil {
		return 0, fmt.Errorf("delete old sign-in refusal counts: %w", err)
	}
	var n int64
	err := tx.QueryRow(ctx, `INSERT INTO signin_refusals (limit_key, window_start, n) VALUES (?, ?, 1)
		ON CONFLICT (limit_key, window_start) DO UPDATE SET n = signin_refusals.n + 1 RETURNING n`, key, start).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count sign-in refusal: %w", err)
	}
	return n, nil
}

// lockedError is the 429 for a reached limit, saying when to try again.
func lockedError(limit string, now, until time.Time) error {
	until = until.UTC()
	mins := max(1, int(until.Sub(now).Round(time.Minute)/time.Minute))
	zh, en := "此账号", "this account"
	switch limit {
	case LimitPair:
		zh, en = "此账号在您的网络地址", "this account from your address"
	case LimitIP:
		zh, en = "您的网络地址", "your address"
	}
	return apperr.NewRetry(apperr.RateLimited, until.Sub(now),
		"%s登录失败次数过多，已锁定至 %s（约 %d 分钟后重试）/ too many failed sign-ins for %s; sign-in is locked until %s (try again in about %d minutes)",
		zh, until.Format("15:04 UTC"), mins, en, until.Format("15:04 UTC"), mins)
}

// succeeded clears the failures of the attempt's email from its address
// (the reserved row among them). Failures from other addresses keep
// counting towards the per-account ceiling: one sign-in by the owner does
// not give an attacker elsewhere a fresh budget. With remember, the
// address becomes a known one for the email (see KnownIPTTL).
func (s *Service) succeeded(ctx context.Context, a attempt, remember bool) error {
	nowMs := s.now().UnixMilli()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM login_failures WHERE email = ? AND ip = ?", a.email, a.ip); err != nil {
			return fmt.Errorf("clear sign-in failures: %w", err)
		}
		if !remember || a.ip == "" {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO signin_known_ips (email, ip, at) VALUES (?, ?, ?)
			ON CONFLICT (email, ip) DO UPDATE SET at = excluded.at`, a.email, a.ip, nowMs); err != nil {
			return fmt.Errorf("remember sign-in address: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM signin_known_ips WHERE email = ? AND at <= ?",
			a.email, nowMs-KnownIPTTL.Milliseconds()); err != nil {
			return fmt.Errorf("forget old sign-in addresses: %w", err)
		}
		return nil
	})
}

// void removes a reserved attempt that checked nothing (no argon2id slot,
// the client left, an internal error), so it does not count. It runs even
// when ctx has ended.
func (s *Service) void(ctx context.Context, a attempt) {
	_, _ = s.db.Exec(context.WithoutCancel(ctx), "DELETE FROM login_failures WHERE id = ?", a.id)
}

// busyRefusal is the Refusal of an attempt refused for want of an argon2id
// slot, or nil when err is something else.
func (s *Service) busyRefusal(err error) *Refusal {
	if !apperr.Is(err, apperr.RateLimited) {
		return nil
	}
	return &Refusal{Limit: LimitBusy, Count: s.pw.busy.Load()}
}

// checkAttempt checks a signed-in agent's password (to change it or turn
// two-factor sign-in off) as a reserved attempt under the sign-in limits:
// wrong is 401 with wrongMsg and counts as a failure; right clears the
// failures of email from ip.
func (s *Service) checkAttempt(ctx context.Context, email, ip, hash, pw, wrongMsg string) error {
	att, _, err := s.reserve(ctx, email, ip)
	if err != nil {
		return err
	}
	ok, err := s.pw.check(ctx, hash, pw)
	if err != nil {
		s.void(ctx, att)
		return err
	}
	if !ok {
		return apperr.New(apperr.Unauthorized, "%s", wrongMsg)
	}
	return s.succeeded(ctx, att, false)
}
