package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/canned"
)

type cannedRequest struct {
	Shortcut *string `json:"shortcut"`
	Title    *string `json:"title"`
	Body     *string `json:"body"`
}

func (c cannedRequest) change() canned.Change {
	return canned.Change{Shortcut: c.Shortcut, Title: c.Title, Body: c.Body}
}

func (s *Server) listCanned(w http.ResponseWriter, r *http.Request) {
	rs, err := s.Canned.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"canned_replies": rs})
}

func (s *Server) createCanned(w http.ResponseWriter, r *http.Request) {
	var req cannedRequest
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Canned.Create(r.Context(), agentFrom(r).ID, req.change())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) patchCanned(w http.ResponseWriter, r *http.Request) {
	var req cannedRequest
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Canned.Update(r.Context(), r.PathValue("id"), req.change())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) deleteCanned(w http.ResponseWriter, r *http.Request) {
	if err := s.Canned.Delete(r.Context(), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
