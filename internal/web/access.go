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
			tok := bearer(r)
			if tok == "" {
				s.fail(w, r, apperr.New(apperr.Unauthorized, "send an API token as 'Authorization: Bearer TOKEN'"))
				return
			}
			a, err := s.Auth.AgentForToken(r.Context(), tok)
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

func agentFrom(r *http.Request) auth.Agent {
	a, _ := r.Context().Value(agentKey).(auth.Agent)
	return a
}

func contactFrom(r *http.Request) string {
	id, _ := r.Context().Value(contactKey).(string)
	return id
}
