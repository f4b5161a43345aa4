package helpcenter

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/web/httpx"
)

// page is what every help template gets.
type page struct {
	Lang  string
	T     map[string]string
	Title string
	Query string
	// Switch is the other language's version of this page.
	Switch     link
	Crumbs     []link
	Categories []helpCategory
	Article    *helpArticle
	Results    []helpResult
	Message    string
	// ChatURL opens the chat with support, for "Still need help?" (empty
	// when there is no web-chat inbox).
	ChatURL string
}

type link struct{ Label, URL string }

type helpCategory struct {
	ID, Name string
	Articles []link
}

type helpArticle struct {
	ID, Locale, Title string
	Body              template.HTML
	Voted             bool
	VoteURL           string
}

type helpResult struct {
	kb.Result
	URL string
}

func newPage(lang, title string) page {
	o := otherLocale(lang)
	return page{Lang: lang, T: text[lang], Title: title,
		Switch: link{languageNames[o], "/help?lang=" + url.QueryEscape(o)}}
}

// render writes a help page with the same security headers as the
// static pages: no inline script or style, never framed.
func (c *Center) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if c.chatURL != nil {
		u, err := c.chatURL(r.Context())
		if err != nil && r.Context().Err() == nil {
			// The page is still useful without the link: log and go on.
			c.log.Warn("help page: find the chat to link to", "path", r.URL.Path, "err", err)
		}
		p.ChatURL = u
	}
	var buf bytes.Buffer
	if err := c.pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		c.log.Error("render help page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, text["en"]["error"]+" "+text["zh-CN"]["error"], http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "+
		"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Vary", "Accept-Language")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message answers with a short page: not found, bad input or an error.
func (c *Center) message(w http.ResponseWriter, r *http.Request, status int, lang, titleKey, msgKey string) {
	p := newPage(lang, text[lang][titleKey])
	p.Message = text[lang][msgKey]
	p.Crumbs = []link{{p.T["brand"], "/help?lang=" + url.QueryEscape(lang)}}
	c.render(w, r, status, "message", p)
}

// failPage shows err as a page: not found, or an error that is logged.
func (c *Center) failPage(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if apperr.Is(err, apperr.NotFound) {
		c.message(w, r, http.StatusNotFound, lang, "not_found_title", "not_found")
		return
	}
	if r.Context().Err() == nil {
		c.log.Error("help page failed", "path", r.URL.Path, "err", err)
	}
	c.message(w, r, http.StatusInternalServerError, lang, "error", "error")
}

// index lists the published articles by category.
func (c *Center) index(w http.ResponseWriter, r *http.Request) {
	lang := httpx.Lang(r)
	as, err := c.kb.List(r.Context(), lang, "", kb.StatusPublished)
	if err != nil {
		c.failPage(w, r, lang, err)
		return
	}
	p := newPage(lang, "")
	byCat := map[string][]link{}
	for _, a := range as {
		byCat[a.Category] = append(byCat[a.Category], link{a.Title, articleURL(a.Locale, a.ID)})
	}
	for _, cat := range kb.Categories {
		if len(byCat[cat]) > 0 {
			p.Categories = append(p.Categories, helpCategory{ID: cat, Name: categoryName(lang, cat), Articles: byCat[cat]})
		}
	}
	c.render(w, r, http.StatusOK, "index", p)
}

// slash sends /help/ to /help, keeping the query.
func (c *Center) slash(w http.ResponseWriter, r *http.Request) {
	u := "/help"
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, u, http.StatusMovedPermanently)
}

// localeHome sends /help/zh-CN to the home page in that language.
func (c *Center) localeHome(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("locale")
	if !kb.KnownLocale(l) {
		c.message(w, r, http.StatusNotFound, httpx.Lang(r), "not_found_title", "not_found")
		return
	}
	http.Redirect(w, r, "/help?lang="+url.QueryEscape(l), http.StatusFound)
}

// articlePage shows one published article.
func (c *Center) articlePage(w http.ResponseWriter, r *http.Request) {
	locale, id := r.PathValue("locale"), r.PathValue("id")
	if !kb.KnownLocale(locale) {
		c.message(w, r, http.StatusNotFound, httpx.Lang(r), "not_found_title", "not_found")
		return
	}
	a, err := c.kb.Get(r.Context(), id, locale)
	if err == nil && a.Status != kb.StatusPublished {
		err = apperr.New(apperr.NotFound, "article %q is a draft", id)
	}
	if err != nil {
		c.failPage(w, r, locale, err)
		return
	}
	p := newPage(locale, a.Title)
	o := otherLocale(locale)
	if t, err := c.kb.Get(r.Context(), id, o); err == nil && t.Status == kb.StatusPublished {
		p.Switch.URL = articleURL(o, id)
	}
	home := "/help?lang=" + url.QueryEscape(locale)
	p.Crumbs = []link{{p.T["brand"], home}, {categoryName(locale, a.Category), home + "#" + a.Category}}
	p.Article = &helpArticle{ID: a.ID, Locale: a.Locale, Title: a.Title, Body: renderMarkdown(a.Body),
		Voted: r.URL.Query().Get("voted") != "", VoteURL: articleURL(locale, id) + "/vote"}
	c.render(w, r, http.StatusOK, "article", p)
}

// voteForm takes the Yes/No form of an article page and sends the
// reader back to the article, which then says thanks.
func (c *Center) voteForm(w http.ResponseWriter, r *http.Request) {
	locale, id := r.PathValue("locale"), r.PathValue("id")
	lang := locale
	if !kb.KnownLocale(locale) {
		lang = httpx.Lang(r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
	if err := r.ParseForm(); err != nil {
		c.message(w, r, http.StatusBadRequest, lang, "bad_vote", "bad_vote")
		return
	}
	var helpful bool
	switch r.PostForm.Get("helpful") {
	case "yes":
		helpful = true
	case "no":
	default:
		c.message(w, r, http.StatusBadRequest, lang, "bad_vote", "bad_vote")
		return
	}
	if _, err := c.kb.Vote(r.Context(), id, locale, helpful); err != nil {
		c.failPage(w, r, lang, err)
		return
	}
	http.Redirect(w, r, articleURL(locale, id)+"?voted=1#feedback", http.StatusSeeOther)
}

// searchPage shows the search results for ?q=. The query's language
// decides where its words can match, not the page's: an English page finds
// the article for "转账没到账", and shows it in English where it exists.
func (c *Center) searchPage(w http.ResponseWriter, r *http.Request) {
	lang := httpx.Lang(r)
	q := r.URL.Query().Get("q")
	p := newPage(lang, text[lang]["search"])
	p.Query = q
	p.Switch.URL = "/help/search?" + url.Values{"q": {q}, "lang": {otherLocale(lang)}}.Encode()
	p.Crumbs = []link{{p.T["brand"], "/help?lang=" + url.QueryEscape(lang)}}
	if strings.TrimSpace(q) == "" {
		p.Message = p.T["empty_query"]
		c.render(w, r, http.StatusOK, "search", p)
		return
	}
	rs, err := c.search.ForReader(r.Context(), lang, q, 20)
	switch {
	case apperr.Is(err, apperr.Invalid):
		p.Message = p.T["query_too_long"]
		c.render(w, r, http.StatusBadRequest, "search", p)
		return
	case err != nil:
		c.failPage(w, r, lang, err)
		return
	}
	p.Results = []helpResult{}
	for _, res := range rs {
		p.Results = append(p.Results, helpResult{res, articleURL(res.Locale, res.ID)})
	}
	c.render(w, r, http.StatusOK, "search", p)
}
