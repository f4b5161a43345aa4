package web

import "net/http"

// The HMAC secret of an inbox signs identified users' ids on the wallet's
// backend. It is never listed: an admin reveals it (or rotates it) with a
// POST, so each reveal is a change in the audit log, like every admin
// write, and the answer is never cached.

// revealInboxSecret answers an inbox's current HMAC secret.
func (s *Server) revealInboxSecret(w http.ResponseWriter, r *http.Request) {
	in, err := s.Conversations.InboxByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"hmac_secret": in.HMACSecret})
}

// rotateInboxSecret gives an inbox a new HMAC secret and answers it; the
// old one stops working at once.
func (s *Server) rotateInboxSecret(w http.ResponseWriter, r *http.Request) {
	secret, err := s.Conversations.RotateInboxSecret(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"hmac_secret": secret})
}
