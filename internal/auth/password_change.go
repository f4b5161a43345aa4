package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// MinPasswordChars is the shortest password an agent may choose.
const MinPasswordChars = 10

// ChangePassword replaces the agent's password after checking the current
// one, and signs the agent out everywhere else: every console session of
// the agent ends except the one whose cookie secret is keepSession (pass ""
// to end them all, as for a change made with an API token). API tokens keep
// working; revoke them separately.
//
// The new password must have at least MinPasswordChars characters and
// differ from the current one (400 invalid); a wrong current password is
// 401 unauthorized and changes nothing. Checking the current password is
// an attempt like a sign-in: it counts against the same limits for the
// agent's email and the client address ip (429 rate_limited when one is
// reached).
func (s *Service) ChangePassword(ctx context.Context, agentID, current, next, keepSession, ip string) error {
	if current == "" {
		return apperr.New(apperr.Invalid, "current_password is required")
	}
	if utf8.RuneCountInString(next) < MinPasswordChars {
		return apperr.New(apperr.Invalid, "the new password must have at least %d characters", MinPasswordChars)
	}
	if next == current {
		return apperr.New(apperr.Invalid, "the new password must differ from the current one")
	}
	var oldHash, email string
	var active int
	err := s.db.QueryRow(ctx, "SELECT password_hash, active, email FROM agents WHERE id = ?", agentID).Scan(&oldHash, &active, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "agent %q not found", agentID)
	}
	if err != nil {
		return fmt.Errorf("read agent %s: %w", agentID, err)
	}
	if active != 1 {
		return apperr.New(apperr.Unauthorized, "the agent is deactivated")
	}
	if err := s.checkAttempt(ctx, email, ip, oldHash, current, "current password is wrong"); err != nil {
		return err
	}
	newHash, err := s.pw.hash(ctx, next)
	if err != nil {
		return err
	}
	defer s.watchers.changed(agentID) // after the commit: open streams re-check the agent
	keep := ""
	if keepSession != "" {
		keep = hashToken(keepSession)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		// Only over the hash that was checked: of two changes racing with
		// the same current password, the second finds it gone.
		res, err := tx.Exec(ctx, "UPDATE agents SET password_hash = ? WHERE id = ? AND password_hash = ?",
			newHash, agentID, oldHash)
		if err != nil {
			return fmt.Errorf("change password of agent %s: %w", agentID, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return apperr.New(apperr.Unauthorized, "current password is wrong")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE agent_id = ? AND id_hash <> ?", agentID, keep); err != nil {
			return fmt.Errorf("end other sessions of agent %s: %w", agentID, err)
		}
		return nil
	})
}
