package helpcenter

import (
	"net/http"
	"strconv"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/web/httpx"
)

// maxVoteBytes bounds a vote's body: {"helpful":true} needs 16.
const maxVoteBytes = 1 << 10

// searchResult is one article found by the public search API.
type searchResult struct {
	kb.Result
	URL string `json:"url"`
}

// publicArticles answers GET /api/v1/public/kb/articles: the published
// articles, filtered by ?locale= and ?category=.
func (c *Center) publicArticles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	as, err := c.kb.List(r.Context(), q.Get("locale"), q.Get("category"), kb.StatusPublished)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"articles": as})
}

// publicSearch answers GET /api/v1/public/kb/search?q=…&locale=…&lang=…&limit=….
// With a locale it searches that locale alone. Without one it searches
// every locale, the query's own language first, and answers each article
// in the reader's language (?lang=, else the query's) where it exists.
func (c *Center) publicSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query, locale, reader := q.Get("q"), q.Get("locale"), q.Get("lang")
	if reader == "" {
		reader = kb.QueryLocale(query)
	}
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			c.fail(w, r, apperr.New(apperr.Invalid, "limit must be a whole number from 1 to %d", kb.MaxResults))
			return
		}
		limit = n
	}
	var rs []kb.Result
	var err error
	if locale != "" {
		rs, err = c.search.Query(r.Context(), locale, query, limit)
	} else {
		rs, err = c.search.ForReader(r.Context(), reader, query, limit)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	out := make([]searchResult, len(rs))
	for i, res := range rs {
		out[i] = searchResult{res, articleURL(res.Locale, res.ID)}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"results": out})
}

// voteRequest is the body of POST /api/v1/public/kb/articles/{locale}/{id}/votes.
type voteRequest struct {
	Helpful *bool `json:"helpful"`
}

// publicVote records a "Was this helpful?" answer and returns the counts.
func (c *Center) publicVote(w http.ResponseWriter, r *http.Request) {
	id, locale := r.PathValue("id"), r.PathValue("locale")
	if !kb.KnownLocale(locale) {
		c.fail(w, r, apperr.New(apperr.NotFound, "unknown locale %q (articles exist in en and zh-CN)", locale))
		return
	}
	var req voteRequest
	if err := httpx.Decode(w, r, maxVoteBytes, &req); err != nil {
		c.fail(w, r, err)
		return
	}
	if req.Helpful == nil {
		c.fail(w, r, apperr.New(apperr.Invalid, `field "helpful" is required: true or false`))
		return
	}
	counts, err := c.kb.Vote(r.Context(), id, locale, *req.Helpful)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, counts)
}
