package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
)

// The public help center: server-rendered pages over the published
// articles, readable without JavaScript. Answers from the chat link to
// articles as /help/{locale}/{id}; keep that scheme.

//go:embed templates/help
var helpTemplateFS embed.FS

// helpCenter holds what the help pages share: the parsed templates and the
// search index (which owns the Chinese dictionary, loaded on first use).
type helpCenter struct {
	pages  map[string]*template.Template
	search *kb.Search
}

func newHelpCenter(store *kb.Store) *helpCenter {
	base := template.Must(template.New("layout.html").ParseFS(helpTemplateFS, "templates/help/layout.html"))
	h := &helpCenter{pages: map[string]*template.Template{}, search: kb.NewSearch(store, kb.NewSegmenter())}
	for _, name := range []string{"index", "article", "search", "message"} {
		h.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(helpTemplateFS, "templates/help/"+name+".html"))
	}
	return h
}

// articleURL is the public address of an article.
func articleURL(locale, id string) string {
	return "/help/" + url.PathEscape(locale) + "/" + url.PathEscape(id)
}

// helpPage is what every help template gets.
type helpPage struct {
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

func (s *Server) newHelpPage(lang, title string) helpPage {
	o := otherLocale(lang)
	return helpPage{Lang: lang, T: helpText[lang], Title: title,
		Switch: link{languageNames[o], "/help?lang=" + url.QueryEscape(o)}}
}

// renderHelp writes a help page with the same security headers as the
// static pages: no inline script or style, never framed.
func (s *Server) renderHelp(w http.ResponseWriter, r *http.Request, status int, name string, p helpPage) {
	var buf bytes.Buffer
	if err := s.help.pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("render help page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, helpText["en"]["error"]+" "+helpText["zh-CN"]["error"], http.StatusInternalServerError)
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

// helpMessage answers with a short page: not found, bad input or an error.
func (s *Server) helpMessage(w http.ResponseWriter, r *http.Request, status int, lang, titleKey, msgKey string) {
	p := s.newHelpPage(lang, helpText[lang][titleKey])
	p.Message = helpText[lang][msgKey]
	p.Crumbs = []link{{p.T["brand"], "/help?lang=" + url.QueryEscape(lang)}}
	s.renderHelp(w, r, status, "message", p)
}

// helpFail shows err as a page: not found, or an error that is logged.
func (s *Server) helpFail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if apperr.Is(err, apperr.NotFound) {
		s.helpMessage(w, r, http.StatusNotFound, lang, "not_found_title", "not_found")
		return
	}
	if r.Context().Err() == nil {
		s.log.Error("help page failed", "path", r.URL.Path, "err", err)
	}
	s.helpMessage(w, r, http.StatusInternalServerError, lang, "error", "error")
}

// helpIndex lists the published articles by category.
func (s *Server) helpIndex(w http.ResponseWriter, r *http.Request) {
	lang := helpLang(r)
	as, err := s.KB.List(r.Context(), lang, "", kb.StatusPublished)
	if err != nil {
		s.helpFail(w, r, lang, err)
		return
	}
	p := s.newHelpPage(lang, "")
	byCat := map[string][]link{}
	for _, a := range as {
		byCat[a.Category] = append(byCat[a.Category], link{a.Title, articleURL(a.Locale, a.ID)})
	}
	for _, c := range kb.Categories {
		if len(byCat[c]) > 0 {
			p.Categories = append(p.Categories, helpCategory{ID: c, Name: categoryName(lang, c), Articles: byCat[c]})
		}
	}
	s.renderHelp(w, r, http.StatusOK, "index", p)
}

// helpSlash sends /help/ to /help, keeping the query.
func (s *Server) helpSlash(w http.ResponseWriter, r *http.Request) {
	u := "/help"
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, u, http.StatusMovedPermanently)
}

// helpLocaleHome sends /help/zh-CN to the home page in that language.
func (s *Server) helpLocaleHome(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("locale")
	if !kb.KnownLocale(l) {
		s.helpMessage(w, r, http.StatusNotFound, helpLang(r), "not_found_title", "not_found")
		return
	}
	http.Redirect(w, r, "/help?lang="+url.QueryEscape(l), http.StatusFound)
}

// helpArticlePage shows one published article.
func (s *Server) helpArticlePage(w http.ResponseWriter, r *http.Request) {
	locale, id := r.PathValue("locale"), r.PathValue("id")
	if !kb.KnownLocale(locale) {
		s.helpMessage(w, r, http.StatusNotFound, helpLang(r), "not_found_title", "not_found")
		return
	}
	a, err := s.KB.Get(r.Context(), id, locale)
	if err == nil && a.Status != kb.StatusPublished {
		err = apperr.New(apperr.NotFound, "article %q is a draft", id)
	}
	if err != nil {
		s.helpFail(w, r, locale, err)
		return
	}
	p := s.newHelpPage(locale, a.Title)
	o := otherLocale(locale)
	if t, err := s.KB.Get(r.Context(), id, o); err == nil && t.Status == kb.StatusPublished {
		p.Switch.URL = articleURL(o, id)
	}
	home := "/help?lang=" + url.QueryEscape(locale)
	p.Crumbs = []link{{p.T["brand"], home}, {categoryName(locale, a.Category), home + "#" + a.Category}}
	p.Article = &helpArticle{ID: a.ID, Locale: a.Locale, Title: a.Title, Body: renderMarkdown(a.Body),
		Voted: r.URL.Query().Get("voted") != "", VoteURL: articleURL(locale, id) + "/vote"}
	s.renderHelp(w, r, http.StatusOK, "article", p)
}

// helpVoteForm takes the Yes/No form of an article page and sends the
// reader back to the article, which then says thanks.
func (s *Server) helpVoteForm(w http.ResponseWriter, r *http.Request) {
	locale, id := r.PathValue("locale"), r.PathValue("id")
	lang := locale
	if !kb.KnownLocale(locale) {
		lang = helpLang(r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
	if err := r.ParseForm(); err != nil {
		s.helpMessage(w, r, http.StatusBadRequest, lang, "bad_vote", "bad_vote")
		return
	}
	var helpful bool
	switch r.PostForm.Get("helpful") {
	case "yes":
		helpful = true
	case "no":
	default:
		s.helpMessage(w, r, http.StatusBadRequest, lang, "bad_vote", "bad_vote")
		return
	}
	if _, err := s.KB.Vote(r.Context(), id, locale, helpful); err != nil {
		s.helpFail(w, r, lang, err)
		return
	}
	http.Redirect(w, r, articleURL(locale, id)+"?voted=1#feedback", http.StatusSeeOther)
}

// helpSearchPage shows the search results for ?q= in the page language.
func (s *Server) helpSearchPage(w http.ResponseWriter, r *http.Request) {
	lang := helpLang(r)
	q := r.URL.Query().Get("q")
	p := s.newHelpPage(lang, helpText[lang]["search"])
	p.Query = q
	p.Switch.URL = "/help/search?" + url.Values{"q": {q}, "lang": {otherLocale(lang)}}.Encode()
	p.Crumbs = []link{{p.T["brand"], "/help?lang=" + url.QueryEscape(lang)}}
	if strings.TrimSpace(q) == "" {
		p.Message = p.T["empty_query"]
		s.renderHelp(w, r, http.StatusOK, "search", p)
		return
	}
	rs, err := s.help.search.Query(r.Context(), lang, q, 20)
	switch {
	case apperr.Is(err, apperr.Invalid):
		p.Message = p.T["query_too_long"]
		s.renderHelp(w, r, http.StatusBadRequest, "search", p)
		return
	case err != nil:
		s.helpFail(w, r, lang, err)
		return
	}
	p.Results = []helpResult{}
	for _, res := range rs {
		p.Results = append(p.Results, helpResult{res, articleURL(res.Locale, res.ID)})
	}
	s.renderHelp(w, r, http.StatusOK, "search", p)
}
