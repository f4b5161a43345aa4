package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/apperr"
)

// SessionTTL is how long a console session lives after its last use: each
// use pushes the expiry forward (a sliding expiry).
const SessionTTL = 12 * time.Hour

// sessionTouchEvery bounds the writes a busy console causes: a session's
// expiry is pushed forward at most once per interval, so it ends between
// SessionTTL-sessionTouchEvery and SessionTTL after its last use.
const sessionTouchEvery = time.Minute

// Session is a signed-in console session.
type Session struct {
	Agent     Agent
	CSRFToken string    // sent back by the console in X-CSRF-Token on every write
	ExpiresAt time.Time // as of this lookup
	// Renewed is set when this lookup moved ExpiresAt forward; the caller
	// should send the cookie again with the new lifetime.
	Renewed bool
}

// CreateSession signs the agent in: it stores a new session and returns the
// secret for the cookie (only its SHA-256 is stored). Expired sessions of
// all agents are deleted on the way, so the table does not grow forever.
func (s *Service) CreateSession(ctx context.Context, agentID string) (string, Session, error) {
	a, err := s.AgentByID(ctx, agentID)
	if err != nil {
		return "", Session{}, err
	}
	if !a.Active {
		return "", Session{}, apperr.New(apperr.Unauthorized, "wrong email or password")
	}
	now := s.now().UnixMilli()
	if _, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", now); err != nil {
		return "", Session{}, fmt.Errorf("delete expired sessions: %w", err)
	}
	secret := rand.Text() + rand.Text() // 2×128 bits, base32: safe in a cookie as is
	sess := Session{Agent: a, CSRFToken: rand.Text() + rand.Text(), ExpiresAt: time.UnixMilli(now + SessionTTL.Milliseconds()).UTC()}
	if _, err := s.db.Exec(ctx, `INSERT INTO sessions (id_hash, agent_id, csrf_token, created_at, expires_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?)`, hashToken(secret), a.ID, sess.CSRFToken, now, sess.ExpiresAt.UnixMilli(), now); err != nil {
		return "", Session{}, fmt.Errorf("create session: %w", err)
	}
	return secret, sess, nil
}

// errNoSession is the one answer for a missing, unknown, expired or
// deactivated session: the console shows its sign-in page.
var errNoSession = apperr.New(apperr.Unauthorized, "not signed in, or the session has ended; sign in again")

// SessionAgent returns the live session for a cookie secret with its
// active agent, and slides its expiry forward.
func (s *Service) SessionAgent(ctx context.Context, secret string) (Session, error) {
	if secret == "" {
		return Session{}, errNoSession
	}
	id := hashToken(secret)
	var sess Session
	var expires, lastSeen, created int64
	var active, totp int
	a := &sess.Agent
	err := s.db.QueryRow(ctx, `SELECT s.csrf_token, s.expires_at, s.last_seen_at,
		a.id, a.email, a.name, a.role, a.active, a.created_at, CASE WHEN a.totp_secret <> '' THEN 1 ELSE 0 END
		FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.id_hash = ?`, id).Scan(
		&sess.CSRFToken, &expires, &lastSeen, &a.ID, &a.Email, &a.Name, &a.Role, &active, &created, &totp)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	a.Active = active == 1
	a.TOTPEnabled = totp == 1
	a.CreatedAt = time.UnixMilli(created).UTC()
	now := s.now().UnixMilli()
	if now >= expires || !a.Active {
		if _, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", id); err != nil {
			return Session{}, fmt.Errorf("delete ended session: %w", err)
		}
		return Session{}, errNoSession
	}
	sess.ExpiresAt = time.UnixMilli(expires).UTC()
	if now-lastSeen >= sessionTouchEvery.Milliseconds() {
		expires = now + SessionTTL.Milliseconds()
		if _, err := s.db.Exec(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?",
			now, expires, id); err != nil {
			return Session{}, fmt.Errorf("renew session: %w", err)
		}
		sess.ExpiresAt, sess.Renewed = time.UnixMilli(expires).UTC(), true
	}
	return sess, nil
}

// DeleteSession signs a session out. An unknown secret is not an error.
func (s *Service) DeleteSession(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	var agentID string
	err := s.db.QueryRow(ctx, "SELECT agent_id FROM sessions WHERE id_hash = ?", hashToken(secret)).Scan(&agentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read session: %w", err)
	}
	if _, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashToken(secret)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	s.watchers.changed(agentID) // the agent's open streams re-check their sessions
	return nil
}
