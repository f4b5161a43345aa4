package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
)

// articleRequest is the body of PUT /api/v1/kb/articles/{locale}/{id}; the
// id and locale come from the path.
type articleRequest struct {
	Category  string   `json:"category"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Questions []string `json:"questions"`
	Status    string   `json:"status"`
}

// articlePath returns the path's locale and id, or a 404 for a locale that
// no article can have.
func articlePath(r *http.Request) (id, locale string, err error) {
	id, locale = r.PathValue("id"), r.PathValue("locale")
	if !kb.KnownLocale(locale) {
		return "", "", apperr.New(apperr.NotFound, "unknown locale %q (articles exist in en and zh-CN)", locale)
	}
	return id, locale, nil
}

func (s *Server) listArticles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	as, err := s.KB.List(r.Context(), q.Get("locale"), q.Get("category"), q.Get("status"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"articles": as})
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	id, locale, err := articlePath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.KB.Get(r.Context(), id, locale)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) putArticle(w http.ResponseWriter, r *http.Request) {
	id, locale, err := articlePath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req articleRequest
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.KB.Upsert(r.Context(), kb.Article{ID: id, Locale: locale, Category: req.Category, Title: req.Title,
		Body: req.Body, Questions: req.Questions, Status: req.Status})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) deleteArticle(w http.ResponseWriter, r *http.Request) {
	id, locale, err := articlePath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.KB.Delete(r.Context(), id, locale); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
