package web

import (
	"net/http"
)

// changePassword sets a new password for the calling agent after checking
// the current one. The agent's other console sessions end; the session
// making the change (when it came with the cookie) stays signed in. With an
// API token every session ends, and the token itself keeps working.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	keep := ""
	if bearer(r) == "" { // the guard authenticated the cookie (a bearer token wins)
		if c, err := r.Cookie(sessionCookie); err == nil {
			keep = c.Value
		}
	}
	if err := s.Auth.ChangePassword(r.Context(), agentFrom(r).ID, req.CurrentPassword, req.NewPassword, keep,
		clientIP(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
