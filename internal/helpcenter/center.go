// Package helpcenter is the public help center: the /help pages over the
// published knowledge-base articles (server-rendered, readable without
// JavaScript), their stylesheet, the public search and article API and
// the "Was this helpful?" votes. It exposes its routes; internal/web puts
// them in the route table, where every one of them is public.
package helpcenter

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/huiying/huiying/internal/kb"
)

//go:embed templates
var templateFS embed.FS

// Deps is what the help center needs.
type Deps struct {
	Log *slog.Logger
	// KB holds the articles and votes.
	KB *kb.Store
	// Fail writes an error of the JSON API in the one error shape of the
	// HTTP edge (apperr codes mapped to statuses, internal errors logged
	// once). Pages show their errors as pages of their own.
	Fail func(w http.ResponseWriter, r *http.Request, err error)
	// ChatURL answers where "Still need help?" sends the reader: the chat
	// page of a web-chat inbox, or "" when there is none (nil: never).
	ChatURL func(ctx context.Context) (string, error)
}

// Center serves the help center.
type Center struct {
	log     *slog.Logger
	kb      *kb.Store
	fail    func(w http.ResponseWriter, r *http.Request, err error)
	chatURL func(ctx context.Context) (string, error)
	// pages are the parsed templates; search is the index, which owns the
	// Chinese dictionary, loaded on first use.
	pages  map[string]*template.Template
	search *kb.Search
	css    asset
}

// Route is one of the help center's routes; all are public.
type Route struct {
	Method  string
	Path    string
	Handler http.HandlerFunc
}

// New returns a Center. It panics when an embedded template does not
// parse, which the tests catch.
func New(d Deps) *Center {
	base := template.Must(template.New("layout.html").ParseFS(templateFS, "templates/layout.html"))
	c := &Center{log: d.Log, kb: d.KB, fail: d.Fail, chatURL: d.ChatURL, pages: map[string]*template.Template{},
		search: kb.NewSearch(d.KB), css: newAsset(cssFile)}
	for _, name := range []string{"index", "article", "search", "message"} {
		c.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return c
}

// APIRoutes are the JSON API routes; each is in the OpenAPI document.
func (c *Center) APIRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/public/kb/articles", c.publicArticles},
		{"GET", "/api/v1/public/kb/search", c.publicSearch},
		{"POST", "/api/v1/public/kb/articles/{locale}/{id}/votes", c.publicVote},
	}
}

// PageRoutes are the HTML pages and their stylesheet. Answers from the
// chat link to articles as /help/{locale}/{id}; keep that scheme.
func (c *Center) PageRoutes() []Route {
	return []Route{
		{"GET", "/help", c.index},
		{"GET", "/help/{$}", c.slash},
		{"GET", "/help/search", c.searchPage},
		{"GET", "/help/{locale}", c.localeHome},
		{"GET", "/help/{locale}/{id}", c.articlePage},
		{"POST", "/help/{locale}/{id}/vote", c.voteForm},
		{"GET", cssPath, c.css.serve},
	}
}

// articleURL is the public address of an article.
func articleURL(locale, id string) string {
	return "/help/" + url.PathEscape(locale) + "/" + url.PathEscape(id)
}
