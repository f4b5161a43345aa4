package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
)

// listTokens lists API tokens, never their secrets (only hashes are
// stored, and those are not read). An admin (console, or a token with the
// admin scope) sees every agent's, or one agent's with ?agent_id=; anyone
// else sees their own.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	me, agentID := agentFrom(r), r.URL.Query().Get("agent_id")
	if !actsAsAdmin(r) {
		if agentID != "" && agentID != me.ID {
			s.fail(w, r, apperr.New(apperr.Forbidden, "you can list only your own API tokens; other agents' need an admin"))
			return
		}
		agentID = me.ID
	}
	ts, err := s.Auth.Tokens(r.Context(), agentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

// revokeToken revokes an API token for good: requests with it are refused
// from then on and the agent's open sockets re-check at once. An admin may
// revoke any agent's token, anyone else only their own; another agent's
// token is "not found" to them, so its id is not confirmed.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	t, err := s.Auth.TokenByID(r.Context(), id)
	if err == nil && t.AgentID != agentFrom(r).ID && !actsAsAdmin(r) {
		err = apperr.New(apperr.NotFound, "API token %q not found", id)
	}
	if err == nil {
		err = s.Auth.RevokeToken(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
