package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/apperr"
)

// accessWatchers are the functions told, after the commit, of every change
// that can end or narrow an agent's access: a session ended, a token
// revoked, the agent deactivated or given another role, the password
// changed. Open streams (the agent WebSocket) re-check their credential on
// it instead of living on until they reconnect.
type accessWatchers struct {
	mu  sync.Mutex
	fns []func(agentID string)
}

// OnAccessChanged registers fn to be called with the agent's id after each
// committed change that can end or narrow the agent's access. fn runs on
// the goroutine that made the change and must not block; a spurious call
// (the change failed, or did not touch access) is harmless.
func (s *Service) OnAccessChanged(fn func(agentID string)) {
	s.watchers.mu.Lock()
	defer s.watchers.mu.Unlock()
	s.watchers.fns = append(s.watchers.fns, fn)
}

func (w *accessWatchers) changed(agentID string) {
	if agentID == "" {
		return
	}
	w.mu.Lock()
	fns := w.fns
	w.mu.Unlock()
	for _, fn := range fns {
		fn(agentID)
	}
}

// Grant is what a credential allows, as of one check.
type Grant struct {
	Agent Agent
	Scope Scope     // the API token's scope; "" for a console session
	Until time.Time // when the credential ends unless renewed; zero: never
}

// CheckSession re-checks a console session held by a long-lived stream. It
// neither slides the expiry nor deletes anything: an open socket alone
// must not keep a session alive.
func (s *Service) CheckSession(ctx context.Context, secret string) (Grant, error) {
	if secret == "" {
		return Grant{}, errNoSession
	}
	var g Grant
	var expires int64
	var active int
	err := s.db.QueryRow(ctx, `SELECT s.expires_at, a.id, a.email, a.role, a.active
		FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.id_hash = ?`, hashToken(secret)).Scan(
		&expires, &g.Agent.ID, &g.Agent.Email, &g.Agent.Role, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return Grant{}, errNoSession
	}
	if err != nil {
		return Grant{}, fmt.Errorf("check session: %w", err)
	}
	g.Agent.Active = active == 1
	if !g.Agent.Active || s.now().UnixMilli() >= expires {
		return Grant{}, errNoSession
	}
	g.Until = time.UnixMilli(expires).UTC()
	return g, nil
}

// CheckToken is AgentForToken with the token's expiry.
func (s *Service) CheckToken(ctx context.Context, secret string) (Grant, error) {
	a, scope, err := s.AgentForToken(ctx, secret)
	if err != nil {
		return Grant{}, err
	}
	g := Grant{Agent: a, Scope: scope}
	var exp sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT expires_at FROM api_tokens WHERE token_hash = ?", hashToken(secret)).Scan(&exp); err != nil {
		return Grant{}, fmt.Errorf("check token expiry: %w", err)
	}
	if exp.Valid {
		g.Until = time.UnixMilli(exp.Int64).UTC()
	}
	return g, nil
}

// RevokeToken revokes the API token id for good; requests and open streams
// authenticated by it are refused from then on.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	var agentID string
	err := s.db.QueryRow(ctx, "SELECT agent_id FROM api_tokens WHERE id = ?", id).Scan(&agentID)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "API token %q not found", id)
	}
	if err != nil {
		return fmt.Errorf("read token %s: %w", id, err)
	}
	if _, err := s.db.Exec(ctx, "UPDATE api_tokens SET revoked = 1 WHERE id = ?", id); err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	s.watchers.changed(agentID)
	return nil
}
