package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
)

// APIToken describes an agent's API token. The secret is shown once, when
// the token is created, and only its hash is stored: nothing that lists
// tokens can return either.
type APIToken struct {
	ID        string     `json:"id"`
	AgentID   string     `json:"agent_id"`
	Name      string     `json:"name"`
	Scope     Scope      `json:"scope"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Revoked   bool       `json:"revoked"`
	// AgentEmail and AgentName are filled by Tokens and TokenByID, so a
	// list of every agent's tokens says whose each is.
	AgentEmail string `json:"agent_email,omitempty"`
	AgentName  string `json:"agent_name,omitempty"`
}

const tokenCols = `t.id, t.agent_id, t.name, t.scope, t.created_at, t.expires_at, t.revoked, a.email, a.name
	FROM api_tokens t JOIN agents a ON a.id = t.agent_id`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var created int64
	var exp sql.NullInt64
	var revoked int
	if err := row.Scan(&t.ID, &t.AgentID, &t.Name, &t.Scope, &created, &exp, &revoked, &t.AgentEmail, &t.AgentName); err != nil {
		return t, err
	}
	t.CreatedAt = time.UnixMilli(created).UTC()
	if exp.Valid {
		e := time.UnixMilli(exp.Int64).UTC()
		t.ExpiresAt = &e
	}
	t.Revoked = revoked != 0
	return t, nil
}

// Tokens lists the API tokens of the agent agentID, or of every agent when
// agentID is "", newest first, revoked and expired ones included.
func (s *Service) Tokens(ctx context.Context, agentID string) ([]APIToken, error) {
	q, args := "SELECT "+tokenCols+" ORDER BY t.created_at DESC, t.id", []any{}
	if agentID != "" {
		q, args = "SELECT "+tokenCols+" WHERE t.agent_id = ? ORDER BY t.created_at DESC, t.id", []any{agentID}
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rows.Close()
	out := []APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list API tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return out, nil
}

// TokenByID returns the API token id (without its secret).
func (s *Service) TokenByID(ctx context.Context, id string) (APIToken, error) {
	t, err := scanToken(s.db.QueryRow(ctx, "SELECT "+tokenCols+" WHERE t.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.New(apperr.NotFound, "API token %q not found", id)
	}
	if err != nil {
		return t, fmt.Errorf("read API token %s: %w", id, err)
	}
	return t, nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// Scope limits what an API token may do, on top of its agent's role.
type Scope string

// Token scopes, from least to most powerful.
const (
	ScopeRead  Scope = "read"  // GET routes only
	ScopeWrite Scope = "write" // every route but the Admin ones
	ScopeAdmin Scope = "admin" // everything the agent's role allows
)

// Valid reports whether sc is a known scope.
func (sc Scope) Valid() bool { return sc == ScopeRead || sc == ScopeWrite || sc == ScopeAdmin }

// CreateToken issues a new API token for the agent and returns its secret.
// ttl 0 means it does not expire; an empty scope is ScopeWrite.
func (s *Service) CreateToken(ctx context.Context, agentID, name string, scope Scope, ttl time.Duration) (string, APIToken, error) {
	if scope == "" {
		scope = ScopeWrite
	}
	if !scope.Valid() {
		return "", APIToken{}, apperr.New(apperr.Invalid, "unknown token scope %q (use read, write or admin)", scope)
	}
	if _, err := s.AgentByID(ctx, agentID); err != nil {
		return "", APIToken{}, err
	}
	secret := "hy_" + rand.Text() + rand.Text()
	now := s.now()
	t := APIToken{ID: conversation.NewID("tk"), AgentID: agentID, Name: name, Scope: scope, CreatedAt: time.UnixMilli(now.UnixMilli()).UTC()}
	var exp any
	if ttl > 0 {
		e := time.UnixMilli(now.Add(ttl).UnixMilli()).UTC()
		t.ExpiresAt = &e
		exp = e.UnixMilli()
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO api_tokens (id, agent_id, name, token_hash, created_at, expires_at, revoked, scope)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?)`, t.ID, agentID, name, hashToken(secret), now.UnixMilli(), exp, string(scope)); err != nil {
		return "", APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

// AgentForToken returns the active agent holding the API token, and the
// token's scope.
func (s *Service) AgentForToken(ctx context.Context, secret string) (Agent, Scope, error) {
	if !strings.HasPrefix(secret, "hy_") {
		return Agent{}, "", apperr.New(apperr.Unauthorized, "not a Huiying API token")
	}
	var agentID string
	var scope Scope
	var exp sql.NullInt64
	var revoked int
	err := s.db.QueryRow(ctx, "SELECT agent_id, expires_at, revoked, scope FROM api_tokens WHERE token_hash = ?",
		hashToken(secret)).Scan(&agentID, &exp, &revoked, &scope)
	if errors.Is(err, sql.ErrNoRows) || revoked != 0 {
		return Agent{}, "", apperr.New(apperr.Unauthorized, "unknown or revoked API token")
	}
	if err != nil {
		return Agent{}, "", fmt.Errorf("check token: %w", err)
	}
	if exp.Valid && s.now().UnixMilli() >= exp.Int64 {
		return Agent{}, "", apperr.New(apperr.Unauthorized, "API token expired; create a new one with 'huiying token create'")
	}
	a, err := s.AgentByID(ctx, agentID)
	if err != nil {
		return Agent{}, "", err
	}
	if !a.Active {
		return Agent{}, "", apperr.New(apperr.Unauthorized, "the agent holding this token is deactivated")
	}
	if !scope.Valid() {
		scope = ScopeRead // an unknown value in the database grants the least
	}
	return a, scope, nil
}

// ContactTokens signs and checks the bearer tokens given to contacts. A
// token is the contact id and an HMAC of it under the server's secret, so
// checking one needs no database read on the hot path.
type ContactTokens struct{ key []byte }

// NewContactTokens returns a signer with the given secret key.
func NewContactTokens(key []byte) *ContactTokens { return &ContactTokens{key: key} }

func (c *ContactTokens) mac(contactID string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("contact:" + contactID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Issue returns a token for the contact.
func (c *ContactTokens) Issue(contactID string) string {
	return "ct." + contactID + "." + c.mac(contactID)
}

// Verify returns the contact id the token was issued for.
func (c *ContactTokens) Verify(tok string) (string, error) {
	rest, ok := strings.CutPrefix(tok, "ct.")
	id, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || id == "" || !hmac.Equal([]byte(sig), []byte(c.mac(id))) {
		return "", apperr.New(apperr.Unauthorized, "invalid contact token; start a new conversation to get one")
	}
	return id, nil
}

// UserHash is the identity-verification hash a wallet app's backend computes
// for its user id: hex(HMAC-SHA256(inbox secret, user id)).
func UserHash(inboxSecret, userID string) string {
	m := hmac.New(sha256.New, []byte(inboxSecret))
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyUserHash checks a user id signed by the wallet app's backend.
func VerifyUserHash(inboxSecret, userID, hash string) bool {
	return hmac.Equal([]byte(strings.ToLower(hash)), []byte(UserHash(inboxSecret, userID)))
}
