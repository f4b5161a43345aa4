package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/web/httpx"
)

type ctxKey int

const (
	agentKey ctxKey = iota
	scopeKey        // the API token's auth.Scope; absent for console sessions
)

// caller is how an agent request was authenticated.
type caller struct {
	Agent auth.Agent
	Via   string     // audit.ActorAgent (console session) or audit.ActorToken
	Scope auth.Scope // the API token's scope; "" for sessions
}

// guard authenticates the caller for the route's access level and checks
// the role, before the handler runs. A successful write by an agent (any
// method but GET/HEAD) is recorded in the audit log.
func (s *Server) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch rt.Access {
		case Public:
		case Contact:
			tok := bearer(r)
			if tok == "" {
				tok = r.URL.Query().Get("token") // <img src> and WebSocket clients cannot set headers
			}
			if tok == "" && rt.Path == "/ws/contact" {
				break // the WebSocket handler reads the token from the first frame
			}
			id, err := s.ContactTokens.Verify(tok)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			r = httpx.WithContact(r, id)
		default:
			c, err := s.agentFor(w, r, rt)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if err := s.authorize(r, rt, c); err != nil {
				s.fail(w, r, err)
				return
			}
			ctx := context.WithValue(r.Context(), agentKey, c.Agent)
			if c.Scope != "" {
				ctx = context.WithValue(ctx, scopeKey, c.Scope)
			}
			r = r.WithContext(ctx)
			if audited(r, rt) && s.DB != nil {
				s.auditedCall(w, r, rt, c)
				return
			}
		}
		rt.Handler(w, r)
	})
}

// authorize checks the caller's role, the token's scope and, for console
// sessions of admins without two-factor sign-in, that they are enrolling.
func (s *Server) authorize(r *http.Request, rt Route, c caller) error {
	need := map[Access]auth.Role{Agent: auth.RoleAgent, Supervisor: auth.RoleSupervisor, Admin: auth.RoleAdmin}[rt.Access]
	if !c.Agent.Role.AtLeast(need) {
		return apperr.New(apperr.Forbidden, "this needs the %s role; you are %s", need, c.Agent.Role)
	}
	switch c.Scope {
	case auth.ScopeRead:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return apperr.New(apperr.Forbidden, "this token is read-only")
		}
		if rt.Access == Admin {
			return apperr.New(apperr.Forbidden, "this token's scope is read; admin routes need a token with --scope admin")
		}
	case auth.ScopeWrite:
		if rt.Access == Admin {
			return apperr.New(apperr.Forbidden, "this token's scope is write; admin routes need a token with --scope admin")
		}
	}
	if c.Via == audit.ActorAgent && c.Agent.NeedsTOTPSetup() && !totpSetupAllowed(r, rt) {
		return apperr.New(apperr.TOTPSetupRequired,
			"admins must turn on two-factor sign-in first: POST /api/v1/me/totp, then POST /api/v1/me/totp/confirm")
	}
	return nil
}

// totpSetupAllowed lists what an admin's console session may do before
// enrolling in two-factor sign-in (the session routes are public).
func totpSetupAllowed(r *http.Request, rt Route) bool {
	return (rt.Method == http.MethodGet && rt.Path == "/api/v1/me") || strings.HasPrefix(rt.Path, "/api/v1/me/totp")
}

// agentFor authenticates an agent by API token or, without one, by the
// console's session cookie. A bearer token wins when both are sent: another
// site cannot make a browser send an Authorization header, so token
// requests need no CSRF token.
func (s *Server) agentFor(w http.ResponseWriter, r *http.Request, rt Route) (caller, error) {
	if tok := bearer(r); tok != "" {
		if strings.HasPrefix(tok, "ct.") && s.ContactTokens != nil {
			if _, err := s.ContactTokens.Verify(tok); err == nil {
				return caller{}, apperr.New(apperr.Forbidden, "a contact token cannot call agent routes")
			}
		}
		a, scope, err := s.Auth.AgentForToken(r.Context(), tok)
		return caller{Agent: a, Via: audit.ActorToken, Scope: scope}, err
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		a, err := s.cookieAgent(w, r, c, rt)
		return caller{Agent: a, Via: audit.ActorAgent}, err
	}
	return caller{}, apperr.New(apperr.Unauthorized, "send an API token as 'Authorization: Bearer TOKEN', or sign in to the console")
}

func agentFrom(r *http.Request) auth.Agent {
	a, _ := r.Context().Value(agentKey).(auth.Agent)
	return a
}

// actsAsAdmin reports whether the caller may use an admin's powers inside
// a route open to every agent: an admin signed in to the console, or an
// admin's token with the admin scope (a write or read token of an admin
// gets no more than an agent's).
func actsAsAdmin(r *http.Request) bool {
	if agentFrom(r).Role != auth.RoleAdmin {
		return false
	}
	sc, ok := r.Context().Value(scopeKey).(auth.Scope)
	return !ok || sc == auth.ScopeAdmin
}

// contactFrom is the contact a contact route's token authenticated
// (httpx.ContactFrom).
func contactFrom(r *http.Request) string { return httpx.ContactFrom(r) }
