package web

import (
	"context"
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
)

type ctxKey int

const (
	agentKey ctxKey = iota
	contactKey
)

// guard authenticates the caller for the route's access level and checks
// the role, before the handler runs.
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
			r = r.WithContext(context.WithValue(r.Context(), contactKey, id))
		default:
			a, err := s.agentFor(w, r, rt)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			need := map[Access]auth.Role{Agent: auth.RoleAgent, Supervisor: auth.RoleSupervisor, Admin: auth.RoleAdmin}[rt.Access]
			if !a.Role.AtLeast(need) {
				s.fail(w, r, apperr.New(apperr.Forbidden, "this needs the %s role; you are %s", need, a.Role))
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), agentKey, a))
		}
		rt.Handler(w, r)
	})
}

// agentFor authenticates an agent by API token or, without one, by the
// console's session cookie. A bearer token wins when both are sent: another
// site cannot make a browser send an Authorization header, so token
// requests need no CSRF token.
func (s *Server) agentFor(w http.ResponseWriter, r *http.Request, rt Route) (auth.Agent, error) {
	if tok := bearer(r); tok != "" {
		return s.Auth.AgentForToken(r.Context(), tok)
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		return s.cookieAgent(w, r, c, rt)
	}
	return auth.Agent{}, apperr.New(apperr.Unauthorized, "send an API token as 'Authorization: Bearer TOKEN', or sign in to the console")
}

func agentFrom(r *http.Request) auth.Agent {
	a, _ := r.Context().Value(agentKey).(auth.Agent)
	return a
}

func contactFrom(r *http.Request) string {
	id, _ := r.Context().Value(contactKey).(string)
	return id
}
