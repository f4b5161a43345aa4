package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

type tokenList struct {
	Tokens []auth.APIToken `json:"tokens"`
}

func tokenIDs(l tokenList) []string {
	var ids []string
	for _, t := range l.Tokens {
		ids = append(ids, t.ID)
	}
	return ids
}

func newToken(t *testing.T, s *apptest.Server, agentID, name string, scope auth.Scope) (string, auth.APIToken) {
	t.Helper()
	secret, tok, err := s.App.Auth.CreateToken(context.Background(), agentID, name, scope, 0)
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

// TestTokensListAndRevoke lists and revokes API tokens as each kind of
// caller, and tries what an agent must not do: see another agent's tokens
// or their secrets, revoke another agent's token, or use an admin's
// write-scope token for an admin's powers.
func TestTokensListAndRevoke(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		bob := s.CreateAgent(t, "bob@example.com", "Bob", "agent")
		boss := s.CreateAdmin(t, "boss@example.com", "Boss")
		bobSecret, bobTok := newToken(t, s, bob.ID, "bob's script", auth.ScopeWrite)
		meiSecret, meiTok := newToken(t, s, mei.ID, "mei's script", auth.ScopeRead)
		bossWrite, _ := newToken(t, s, boss.ID, "boss write", auth.ScopeWrite)

		// An agent sees their own tokens, never a secret or a hash.
		var l tokenList
		status, body := s.Do(t, "GET", "/api/v1/tokens", mei.Token, nil)
		if status != http.StatusOK {
			t.Fatalf("list own tokens: %d %s", status, body)
		}
		for _, leak := range []string{meiSecret, mei.Token, bobSecret, "token_hash", "hy_"} {
			if strings.Contains(string(body), leak) {
				t.Fatalf("token list shows %q: %s", leak, body)
			}
		}
		s.JSON(t, "GET", "/api/v1/tokens", meiSecret, nil, http.StatusOK, &l) // a read token may list
		if ids := tokenIDs(l); len(ids) != 2 || !slices.Contains(ids, meiTok.ID) {
			t.Fatalf("Mei's list = %v, want her two tokens", ids)
		}
		for _, tok := range l.Tokens {
			if tok.AgentID != mei.ID || tok.AgentEmail != mei.Email || tok.Revoked {
				t.Fatalf("Mei's list has %+v", tok)
			}
		}
		// ... and not another agent's.
		if status, body := s.Do(t, "GET", "/api/v1/tokens?agent_id="+bob.ID, mei.Token, nil); status != http.StatusForbidden {
			t.Fatalf("Mei lists Bob's tokens: %d %s, want 403", status, body)
		}
		// Revoking another agent's token is "not found", and it keeps working.
		if status, body := s.Do(t, "DELETE", "/api/v1/tokens/"+bobTok.ID, mei.Token, nil); status != http.StatusNotFound {
			t.Fatalf("Mei revokes Bob's token: %d %s, want 404", status, body)
		}
		// An admin's write token is no admin: own tokens only.
		s.JSON(t, "GET", "/api/v1/tokens", bossWrite, nil, http.StatusOK, &l)
		for _, tok := range l.Tokens {
			if tok.AgentID != boss.ID {
				t.Fatalf("an admin's write token lists %s's token %s", tok.AgentEmail, tok.ID)
			}
		}
		if status, body := s.Do(t, "DELETE", "/api/v1/tokens/"+bobTok.ID, bossWrite, nil); status != http.StatusNotFound {
			t.Fatalf("an admin's write token revokes Bob's token: %d %s, want 404", status, body)
		}
		if status, _ := s.Do(t, "GET", "/api/v1/me", bobSecret, nil); status != http.StatusOK {
			t.Fatalf("Bob's token after the refused revocations: %d, want 200", status)
		}

		// An admin (admin-scope token, or the console) sees everyone's,
		// or one agent's.
		s.JSON(t, "GET", "/api/v1/tokens", s.AdminToken, nil, http.StatusOK, &l)
		if ids := tokenIDs(l); !slices.Contains(ids, bobTok.ID) || !slices.Contains(ids, meiTok.ID) {
			t.Fatalf("admin's list %v lacks Bob's or Mei's token", ids)
		}
		sess := s.LoginAgent(t, boss)
		status, body = s.DoSession(t, "GET", "/api/v1/tokens?agent_id="+bob.ID, sess, "", nil)
		if status != http.StatusOK || !strings.Contains(string(body), bobTok.ID) || strings.Contains(string(body), meiTok.ID) {
			t.Fatalf("admin lists Bob's tokens: %d %s", status, body)
		}

		// Revoking: the admin revokes Bob's token from the console.
		if status, body := s.DoSession(t, "DELETE", "/api/v1/tokens/"+bobTok.ID, sess, sess.CSRFToken, nil); status != http.StatusNoContent {
			t.Fatalf("admin revokes Bob's token: %d %s", status, body)
		}
		if status, _ := s.Do(t, "GET", "/api/v1/me", bobSecret, nil); status != http.StatusUnauthorized {
			t.Fatalf("Bob's revoked token: %d, want 401", status)
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_type = 'token' AND target_id = ? AND actor_id = ?",
			"DELETE /api/v1/tokens/{id}", bobTok.ID, boss.ID); n != 1 {
			t.Fatalf("audit entries for the revocation: %d, want 1", n)
		}
		s.JSON(t, "GET", "/api/v1/tokens?agent_id="+bob.ID, s.AdminToken, nil, http.StatusOK, &l)
		for _, tok := range l.Tokens {
			if tok.ID == bobTok.ID && !tok.Revoked {
				t.Fatalf("Bob's token is listed as not revoked: %+v", tok)
			}
		}
		// An agent revokes their own token; its open socket closes.
		c := s.DialWS(t, fmt.Sprintf("/ws/agent?after=%d", lastEventID(t, s)), meiSecret)
		asked := time.Now()
		if status, body := s.Do(t, "DELETE", "/api/v1/tokens/"+meiTok.ID, mei.Token, nil); status != http.StatusNoContent {
			t.Fatalf("Mei revokes her own token: %d %s", status, body)
		}
		expectClosed(t, c, asked, "sign in again")
		if status, _ := s.Do(t, "GET", "/api/v1/me", meiSecret, nil); status != http.StatusUnauthorized {
			t.Fatalf("Mei's revoked token: %d, want 401", status)
		}
		if status, _ := s.Do(t, "DELETE", "/api/v1/tokens/tk_none", s.AdminToken, nil); status != http.StatusNotFound {
			t.Fatalf("revoke an unknown token: %d, want 404", status)
		}
	})
}

// TestDeactivationRevokesTokens: a deactivated agent's tokens stay dead
// when the agent is turned back on (before, they came back with them).
func TestDeactivationRevokesTokens(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		sess := s.Login(t, mei.Email, mei.Password)
		s.JSON(t, "PATCH", "/api/v1/agents/"+mei.ID, s.AdminToken, map[string]bool{"active": false}, http.StatusOK, nil)
		s.JSON(t, "PATCH", "/api/v1/agents/"+mei.ID, s.AdminToken, map[string]bool{"active": true}, http.StatusOK, nil)
		if status, body := s.Do(t, "GET", "/api/v1/me", mei.Token, nil); status != http.StatusUnauthorized {
			t.Fatalf("token issued before the deactivation, after reactivation: %d %s, want 401", status, body)
		}
		if status, _ := s.DoSession(t, "GET", "/api/v1/me", sess, "", nil); status != http.StatusUnauthorized {
			t.Fatalf("session from before the deactivation: %d, want 401", status)
		}
		var l tokenList
		s.JSON(t, "GET", "/api/v1/tokens?agent_id="+mei.ID, s.AdminToken, nil, http.StatusOK, &l)
		if len(l.Tokens) == 0 {
			t.Fatal("Mei has no tokens listed")
		}
		for _, tok := range l.Tokens {
			if !tok.Revoked {
				t.Fatalf("token %s is not revoked after the deactivation", tok.ID)
			}
		}
		// New tokens work again.
		secret, _ := newToken(t, s, mei.ID, "after", auth.ScopeRead)
		if status, _ := s.Do(t, "GET", "/api/v1/me", secret, nil); status != http.StatusOK {
			t.Fatalf("a token created after reactivation: %d, want 200", status)
		}
	})
}
