package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// RecoveryCodeCount is how many single-use recovery codes enrollment gives.
const RecoveryCodeCount = 10

// TOTPIssuer names Huiying in authenticator apps.
const TOTPIssuer = "Huiying"

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPEnrollment is a pending two-factor enrollment: the agent adds the
// secret to an authenticator app and confirms it with a code.
type TOTPEnrollment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

// BeginTOTP starts (or restarts) two-factor enrollment for the agent with a
// new secret. Two-factor sign-in stays off until ConfirmTOTP.
func (s *Service) BeginTOTP(ctx context.Context, agentID string) (TOTPEnrollment, error) {
	a, err := s.AgentByID(ctx, agentID)
	if err != nil {
		return TOTPEnrollment{}, err
	}
	if a.TOTPEnabled {
		return TOTPEnrollment{}, apperr.New(apperr.Conflict, "two-factor sign-in is already on; turn it off first to enroll a new authenticator")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: a.Email, Period: totpOpts.Period,
		Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("generate TOTP secret: %w", err)
	}
	if _, err := s.db.Exec(ctx, "UPDATE agents SET totp_pending = ? WHERE id = ?", key.Secret(), agentID); err != nil {
		return TOTPEnrollment{}, fmt.Errorf("store pending TOTP secret: %w", err)
	}
	return TOTPEnrollment{Secret: key.Secret(), OTPAuthURL: key.URL()}, nil
}

// ConfirmTOTP turns two-factor sign-in on when code matches the pending
// secret, and returns new recovery codes (shown once; only hashes are kept).
// A wrong code is 400 invalid, so a console session is not signed out.
func (s *Service) ConfirmTOTP(ctx context.Context, agentID, code string) ([]string, error) {
	var pending, current string
	err := s.db.QueryRow(ctx, "SELECT totp_pending, totp_secret FROM agents WHERE id = ?", agentID).Scan(&pending, &current)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "agent %q not found", agentID)
	}
	if err != nil {
		return nil, fmt.Errorf("read TOTP state: %w", err)
	}
	if current != "" {
		return nil, apperr.New(apperr.Conflict, "two-factor sign-in is already on")
	}
	if pending == "" {
		return nil, apperr.New(apperr.Invalid, "no enrollment in progress; start one with POST /api/v1/me/totp")
	}
	if !s.validTOTP(pending, code) {
		return nil, apperr.New(apperr.Invalid, "the code does not match; check that your device's clock is right and enter the current code")
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		c := strings.ToLower(rand.Text()[:10])
		codes[i] = c[:5] + "-" + c[5:]
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE agents SET totp_secret = totp_pending, totp_pending = '' WHERE id = ? AND totp_pending = ?",
			agentID, pending)
		if err != nil {
			return fmt.Errorf("turn on TOTP: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return apperr.New(apperr.Conflict, "the enrollment changed meanwhile; start again")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM totp_recovery_codes WHERE agent_id = ?", agentID); err != nil {
			return fmt.Errorf("delete old recovery codes: %w", err)
		}
		for _, c := range codes {
			if _, err := tx.Exec(ctx, "INSERT INTO totp_recovery_codes (agent_id, code_hash) VALUES (?, ?)",
				agentID, hashRecoveryCode(c)); err != nil {
				return fmt.Errorf("store recovery code: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off after checking the password.
// Admins cannot: it is required for them. The password check counts
// against the sign-in limits for the agent's email and the client address
// ip, as ChangePassword's does.
func (s *Service) DisableTOTP(ctx context.Context, agentID, password, ip string) error {
	if password == "" {
		return apperr.New(apperr.Invalid, "password is required")
	}
	var role Role
	var hash, secret, email string
	err := s.db.QueryRow(ctx, "SELECT role, password_hash, totp_secret, email FROM agents WHERE id = ?",
		agentID).Scan(&role, &hash, &secret, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "agent %q not found", agentID)
	}
	if err != nil {
		return fmt.Errorf("read agent %s: %w", agentID, err)
	}
	if role == RoleAdmin {
		return apperr.New(apperr.Forbidden, "two-factor sign-in is required for admins and cannot be turned off")
	}
	if err := s.checkAttempt(ctx, email, ip, hash, password, "password is wrong"); err != nil {
		return err
	}
	if secret == "" {
		return apperr.New(apperr.Conflict, "two-factor sign-in is not on")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE agents SET totp_secret = '', totp_pending = '' WHERE id = ?", agentID); err != nil {
			return fmt.Errorf("turn off TOTP: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM totp_recovery_codes WHERE agent_id = ?", agentID); err != nil {
			return fmt.Errorf("delete recovery codes: %w", err)
		}
		return nil
	})
}

func (s *Service) validTOTP(secret, code string) bool {
	_, ok := s.totpStep(secret, code)
	return ok
}

// totpStep returns the time step (Unix time / 30 s) whose code matches,
// allowing one step of clock skew either way.
func (s *Service) totpStep(secret, code string) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	exact := totpOpts
	exact.Skew = 0
	now := s.now()
	for _, d := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(d*int64(exact.Period)) * time.Second)
		if ok, err := totp.ValidateCustom(code, secret, at, exact); err == nil && ok {
			return at.Unix() / int64(exact.Period), true
		}
	}
	return 0, false
}

// spendTOTPStep records that step was used to sign in; it reports false
// when that step (or a later one) was used already, i.e. a replayed code.
func (s *Service) spendTOTPStep(ctx context.Context, agentID string, step int64) (bool, error) {
	res, err := s.db.Exec(ctx, "UPDATE agents SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
		step, agentID, step)
	if err != nil {
		return false, fmt.Errorf("record two-factor code: %w", err)
	}
	n, err := res.RowsAffected()
	return err == nil && n == 1, err
}

// useRecoveryCode spends one of the agent's recovery codes.
func (s *Service) useRecoveryCode(ctx context.Context, agentID, code string) (bool, error) {
	res, err := s.db.Exec(ctx, "DELETE FROM totp_recovery_codes WHERE agent_id = ? AND code_hash = ?",
		agentID, hashRecoveryCode(code))
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, err := res.RowsAffected()
	return err == nil && n == 1, nil
}

// RecoveryCodesLeft counts the agent's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, agentID string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM totp_recovery_codes WHERE agent_id = ?", agentID).Scan(&n)
	return n, err
}

// hashRecoveryCode ignores case, spaces and dashes, so "ABCDE FGHIJ" and
// "abcde-fghij" are the same code.
func hashRecoveryCode(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	return hashToken("recovery:" + c)
}
