package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
)

// Credentials is one console sign-in attempt.
type Credentials struct {
	Email        string
	Password     string
	TOTPCode     string // with two-factor sign-in on: the current code…
	RecoveryCode string // …or one unused recovery code
	IP           string // the client's address, for the limits
}

// SignInResult is a successful (or, with Agent set, a half-successful)
// sign-in.
type SignInResult struct {
	Agent            Agent
	UsedRecoveryCode bool
	// Refused is set when the attempt was refused with 429 before anything
	// was checked.
	Refused *Refusal
}

// verdict is what an attempt comes to once checked.
type verdict int

const (
	verdictFailed verdict = iota // a wrong email, password or code: it counts
	verdictVoid                  // nothing was decided (totp_required, busy, an internal error)
	verdictOK
)

// SignIn checks credentials against the limits (see LoginWindow), the
// password and, when the agent has it on, the second factor. The attempt
// is reserved against the limits before the password is checked, so
// concurrent attempts cannot exceed them. Every failure except
// totp_required counts against the email and the IP; success clears the
// failures of the email from that IP. On failure after a right password
// (a missing or wrong second factor) the result's Agent is set, for the
// audit log; on a 429 its Refused is.
//
// Errors: 429 rate_limited (a limit is reached, or the server is too busy
// checking other passwords; nothing is checked), 401 unauthorized (wrong
// email, password or code), 401 totp_required.
func (s *Service) SignIn(ctx context.Context, c Credentials) (SignInResult, error) {
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if len(email) > 320 {
		email = email[:320]
	}
	att, refusal, err := s.reserve(ctx, email, c.IP)
	if err != nil {
		return SignInResult{Refused: refusal}, err
	}
	res, v, err := s.signIn(ctx, email, c)
	switch v {
	case verdictOK:
		if err := s.succeeded(ctx, att, true); err != nil {
			return res, err
		}
	case verdictVoid:
		s.void(ctx, att)
		res.Refused = s.busyRefusal(err)
	}
	return res, err
}

// signIn checks the password and the second factor of a reserved attempt.
func (s *Service) signIn(ctx context.Context, email string, c Credentials) (SignInResult, verdict, error) {
	var id, hash, secret string
	err := s.db.QueryRow(ctx, "SELECT id, password_hash, totp_secret FROM agents WHERE email = ? AND active = 1",
		email).Scan(&id, &hash, &secret)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SignInResult{}, verdictVoid, fmt.Errorf("sign in: %w", err)
	}
	if err != nil {
		if err := s.pw.checkDecoy(ctx, c.Password); err != nil { // same time as a real check
			return SignInResult{}, verdictVoid, err
		}
		return SignInResult{}, verdictFailed, apperr.New(apperr.Unauthorized, "wrong email or password")
	}
	ok, err := s.pw.check(ctx, hash, c.Password)
	if err != nil {
		return SignInResult{}, verdictVoid, err
	}
	if !ok {
		return SignInResult{}, verdictFailed, apperr.New(apperr.Unauthorized, "wrong email or password")
	}
	a, err := s.AgentByID(ctx, id)
	if err != nil {
		return SignInResult{}, verdictVoid, err
	}
	res := SignInResult{Agent: a}
	if secret == "" {
		return res, verdictOK, nil
	}
	switch {
	case strings.TrimSpace(c.TOTPCode) != "":
		step, ok := s.totpStep(secret, c.TOTPCode)
		if !ok {
			return res, verdictFailed, apperr.New(apperr.Unauthorized, "wrong two-factor code")
		}
		fresh, err := s.spendTOTPStep(ctx, id, step)
		if err != nil {
			return res, verdictVoid, err
		}
		if !fresh {
			return res, verdictFailed, apperr.New(apperr.Unauthorized,
				"this two-factor code was used already; wait for the next one")
		}
	case strings.TrimSpace(c.RecoveryCode) != "":
		ok, err := s.useRecoveryCode(ctx, id, c.RecoveryCode)
		if err != nil {
			return res, verdictVoid, err
		}
		if !ok {
			return res, verdictFailed, apperr.New(apperr.Unauthorized, "wrong or already used recovery code")
		}
		res.UsedRecoveryCode = true
	default:
		return res, verdictVoid, apperr.New(apperr.TOTPRequired,
			"enter the code from your authenticator app (totp_code), or a recovery code (recovery_code)")
	}
	return res, verdictOK, nil
}
