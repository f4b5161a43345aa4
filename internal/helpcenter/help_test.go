package helpcenter_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/helpcenter"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// eachServer runs fn against a fresh server on every engine.
func eachServer(t *testing.T, fn func(t *testing.T, s *apptest.Server)) {
	t.Helper()
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) { fn(t, apptest.Start(t, e)) })
	}
}

// pageMux serves the help center's pages alone, without a database: enough
// for what answers before reading an article.
func pageMux() *http.ServeMux {
	c := helpcenter.New(helpcenter.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux := http.NewServeMux()
	for _, rt := range c.PageRoutes() {
		mux.HandleFunc(rt.Method+" "+rt.Path, rt.Handler)
	}
	return mux
}

func TestHelpRedirects(t *testing.T) {
	h := pageMux()
	for path, want := range map[string]string{
		"/help/":            "/help",
		"/help/?lang=zh-CN": "/help?lang=zh-CN",
		"/help/zh-CN":       "/help?lang=zh-CN",
		"/help/en":          "/help?lang=en",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if loc := rec.Header().Get("Location"); rec.Code/100 != 3 || loc != want {
			t.Errorf("GET %s: %d to %q, want a redirect to %q", path, rec.Code, loc, want)
		}
	}
}

// The stylesheet keeps its address under /static/ and is revalidated
// with its ETag, as the other embedded assets are.
func TestHelpStylesheet(t *testing.T) {
	h := pageMux()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/help/help.css", nil))
	etag := rec.Header().Get("ETag")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") ||
		etag == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(rec.Body.String(), "body {") {
		t.Fatalf("GET help.css: %d %v", rec.Code, rec.Header())
	}
	req := httptest.NewRequest("GET", "/static/help/help.css", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("help.css with its ETag: %d, want 304", rec.Code)
	}
}

// getPage fetches a help page with an optional Accept-Language and returns
// the status, headers and body.
func getPage(t *testing.T, s *apptest.Server, path, acceptLang string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptLang != "" {
		req.Header.Set("Accept-Language", acceptLang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestHelpCenter runs the page and vote checks on each engine, on one
// server per engine.
func TestHelpCenter(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		t.Run("pages", func(t *testing.T) { checkHelpPages(t, s) })
		t.Run("votes", func(t *testing.T) { checkHelpVotes(t, s) })
	})
}

// TestHelpSearchAndEscaping checks the search page and API, and pages of a
// hostile article, on one SQLite server.
func TestHelpSearchAndEscaping(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	t.Run("search page", func(t *testing.T) { checkHelpSearchPage(t, s) })
	t.Run("search API", func(t *testing.T) { checkHelpSearchAPI(t, s) })
	t.Run("escaping", func(t *testing.T) { checkHelpEscapes(t, s) })
}

func checkHelpPages(t *testing.T, s *apptest.Server) {
	// The home page in each language, chosen by ?lang= or Accept-Language.
	for _, c := range []struct {
		path, accept string
		wants        []string
	}{
		{"/help?lang=zh-CN", "en", []string{`<html lang="zh-CN">`, "帮助中心", "资产被盗", `href="/help/zh-CN/funds-stolen"`, "如何安全备份助记词", `name="q"`}},
		{"/help", "zh-CN,zh;q=0.9,en;q=0.8", []string{`<html lang="zh-CN">`, `href="/help/zh-CN/pending-transfer"`}},
		{"/help", "fr-FR,en-US;q=0.7,zh;q=0.5", []string{`<html lang="en">`, "Help center", "Stolen funds", `href="/help/en/pending-transfer"`}},
		{"/help?lang=en", "zh-CN", []string{`<html lang="en">`, `href="/help?lang=zh-CN"`, "中文"}},
	} {
		st, h, body := getPage(t, s, c.path, c.accept)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d", c.path, st)
		}
		mustContain(t, c.path, body, c.wants...)
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: CSP %q", c.path, csp)
		}
		if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", c.path, ct)
		}
	}

	// An article, with breadcrumbs, the feedback form and a link to its translation.
	st, _, body := getPage(t, s, "/help/zh-CN/backup-mnemonic", "")
	if st != http.StatusOK {
		t.Fatalf("article: %d", st)
	}
	mustContain(t, "zh-CN article", body, "<h1>如何安全备份助记词</h1>", "是否有帮助？", `action="/help/zh-CN/backup-mnemonic/vote"`,
		`aria-label="breadcrumb"`, `href="/help?lang=zh-CN#security"`, "<strong>", "<li>", `href="/help/en/backup-mnemonic"`)
	st, _, body = getPage(t, s, "/help/en/backup-mnemonic", "")
	if st != http.StatusOK {
		t.Fatalf("en article: %d", st)
	}
	mustContain(t, "en article", body, "Was this helpful?", ">Yes<", ">No<", `href="/help/zh-CN/backup-mnemonic"`)

	// Unknown articles and locales: a 404 page in the right language.
	for _, c := range []struct{ path, accept, want string }{
		{"/help/en/no-such-article", "", "Article not found"},
		{"/help/zh-CN/no-such-article", "", "文章不存在"},
		{"/help/fr/backup-mnemonic", "zh-CN", "文章不存在"},
		{"/help/xx", "en", "Article not found"},
	} {
		st, h, body := getPage(t, s, c.path, c.accept)
		if st != http.StatusNotFound || !strings.Contains(body, c.want) || h.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: %d, want a 404 page saying %q", c.path, st, c.want)
		}
	}

	// Drafts are not shown anywhere.
	s.JSON(t, "PUT", "/api/v1/kb/articles/en/draft-zebra", s.AdminToken, map[string]any{
		"category": "tokens", "title": "Zebra draft", "body": "Zebra quokka.", "questions": []string{"zebra?"}, "status": "draft",
	}, http.StatusOK, nil)
	if _, _, body := getPage(t, s, "/help?lang=en", ""); strings.Contains(body, "Zebra draft") {
		t.Error("the home page lists a draft")
	}
	if st, _, _ := getPage(t, s, "/help/en/draft-zebra", ""); st != http.StatusNotFound {
		t.Errorf("draft article page: %d, want 404", st)
	}
	if _, _, body := getPage(t, s, "/help/search?lang=en&q=zebra+quokka", ""); strings.Contains(body, "draft-zebra") {
		t.Error("search shows a draft")
	}
}

func checkHelpSearchPage(t *testing.T, s *apptest.Server) {
	st, _, body := getPage(t, s, "/help/search?lang=zh-CN&q="+url.QueryEscape("助记词怎么备份"), "")
	if st != http.StatusOK {
		t.Fatalf("search: %d", st)
	}
	mustContain(t, "zh-CN results", body, "搜索结果", `value="助记词怎么备份"`, `href="/help/zh-CN/backup-mnemonic"`,
		`href="/help/search?lang=en&amp;q=`)
	if i, j := strings.Index(body, "/help/zh-CN/backup-mnemonic"), strings.Index(body, `<ol class="results">`); i < j {
		t.Error("the backup article is not in the results list")
	}
	st, _, body = getPage(t, s, "/help/search?q=pending+transfer", "en-GB")
	if st != http.StatusOK {
		t.Fatalf("en search: %d", st)
	}
	mustContain(t, "en results", body, "Results for", `href="/help/en/pending-transfer"`)
	for _, c := range []struct {
		q      string
		status int
		want   string
	}{
		{"", http.StatusOK, "Type a few words"},
		{strings.Repeat("a", 201), http.StatusBadRequest, "too long"},
		{"xyzzyplugh", http.StatusOK, "No article matches"},
		{"<script>alert(1)</script>", http.StatusOK, "&lt;script&gt;alert(1)&lt;/script&gt;"},
	} {
		st, _, body := getPage(t, s, "/help/search?lang=en&q="+url.QueryEscape(c.q), "")
		if st != c.status || !strings.Contains(body, c.want) {
			t.Errorf("search %.20q: %d, want %d with %q", c.q, st, c.status, c.want)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("search %.20q: unescaped script in the page", c.q)
		}
	}
}

// checkHelpEscapes stores an article written to attack the page and
// checks that nothing in it becomes markup.
func checkHelpEscapes(t *testing.T, s *apptest.Server) {
	s.JSON(t, "PUT", "/api/v1/kb/articles/en/evil", s.AdminToken, map[string]any{
		"category": "security", "title": `<script>alert("t")</script> & co`,
		"body": "# <img src=x onerror=alert(1)>\n\nHi <b>there</b> **<i>bold</i>** `<code>`\n\n" +
			"- [click](javascript:alert(1))\n- [data](data:text/html,<script>alert(2)</script>)\n" +
			"- [ok](https://example.com/a?b=1&c=2)\n- [quote](https://example.com/\"onmouseover=\"alert(3))\n\n" +
			"<script>alert(4)</script>\n<style>body{display:none}</style>",
		"questions": []string{"evil?"},
	}, http.StatusOK, nil)
	st, _, body := getPage(t, s, "/help/en/evil", "")
	if st != http.StatusOK {
		t.Fatalf("evil article: %d", st)
	}
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "<style", "javascript:", "data:text", `"onmouseover`, "alert(2)"} {
		if strings.Contains(body, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	mustContain(t, "evil article", body,
		"&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; co",
		"<h2>&lt;img src=x onerror=alert(1)&gt;</h2>",
		"Hi &lt;b&gt;there&lt;/b&gt; <strong>&lt;i&gt;bold&lt;/i&gt;</strong> <code>&lt;code&gt;</code>",
		"<li>click</li>", `<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">ok</a>`, "<li>data</li>", "<li>quote</li>",
		"&lt;script&gt;alert(4)&lt;/script&gt;")
}

func checkHelpVotes(t *testing.T, s *apptest.Server) {
	var counts struct {
		Helpful    int64 `json:"helpful"`
		NotHelpful int64 `json:"not_helpful"`
	}
	const path = "/api/v1/public/kb/articles/zh-CN/backup-mnemonic/votes"
	s.JSON(t, "POST", path, "", map[string]any{"helpful": true}, http.StatusOK, &counts)
	s.JSON(t, "POST", path, "", map[string]any{"helpful": false}, http.StatusOK, &counts)
	if counts.Helpful != 1 || counts.NotHelpful != 1 {
		t.Fatalf("after two votes: %+v", counts)
	}

	// The page's form posts, redirects back and says thanks.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(s.URL+"/help/zh-CN/backup-mnemonic/vote", url.Values{"helpful": {"yes"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/help/zh-CN/backup-mnemonic?voted=1") {
		t.Fatalf("form vote: %d, Location %q", resp.StatusCode, loc)
	}
	_, _, body := getPage(t, s, loc, "")
	mustContain(t, "page after voting", body, "感谢你的反馈！")
	if strings.Contains(body, `value="yes"`) {
		t.Error("the page still offers the vote after voting")
	}
	s.JSON(t, "POST", path, "", map[string]any{"helpful": true}, http.StatusOK, &counts)
	if counts.Helpful != 3 || counts.NotHelpful != 1 {
		t.Fatalf("after the form vote and one more: %+v", counts)
	}

	// Bad input.
	for _, c := range []struct {
		path   string
		body   any
		status int
		code   string
	}{
		{"/api/v1/public/kb/articles/en/no-such/votes", map[string]any{"helpful": true}, 404, "not_found"},
		{"/api/v1/public/kb/articles/fr/backup-mnemonic/votes", map[string]any{"helpful": true}, 404, "not_found"},
		{path, "{not json", 400, "malformed_json"},
		{path, "", 400, "malformed_json"},
		{path, map[string]any{}, 400, "invalid"},
		{path, map[string]any{"helpful": "yes"}, 400, "invalid"},
		{path, `{"helpful":true,"pad":"` + strings.Repeat("x", 2<<10) + `"}`, 413, "too_large"},
	} {
		st, b := s.Do(t, "POST", c.path, "", c.body)
		if st != c.status || apptest.ErrorCode(t, b) != c.code {
			t.Errorf("POST %s %.40v: %d %s, want %d %s", c.path, c.body, st, b, c.status, c.code)
		}
	}
	for _, form := range []url.Values{{"helpful": {"maybe"}}, {}} {
		resp, err := noFollow.PostForm(s.URL+"/help/en/backup-mnemonic/vote", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("form vote %v: %d, want 400", form, resp.StatusCode)
		}
	}
	resp, err = noFollow.PostForm(s.URL+"/help/en/no-such/vote", url.Values{"helpful": {"no"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("form vote on a missing article: %d, want 404", resp.StatusCode)
	}
	// Refused votes counted nothing.
	s.JSON(t, "POST", path, "", map[string]any{"helpful": false}, http.StatusOK, &counts)
	if counts.Helpful != 3 || counts.NotHelpful != 2 {
		t.Errorf("final counts: %+v", counts)
	}
}

func checkHelpSearchAPI(t *testing.T, s *apptest.Server) {
	var out struct {
		Results []struct {
			ID, Locale, Title, Category, Snippet, URL string
			Score                                     float64
		} `json:"results"`
	}
	s.JSON(t, "GET", "/api/v1/public/kb/search?locale=zh-CN&q="+url.QueryEscape("钱被盗了怎么办"), "", nil, http.StatusOK, &out)
	if len(out.Results) == 0 || out.Results[0].ID != "funds-stolen" {
		t.Fatalf("results: %+v", out.Results)
	}
	r := out.Results[0]
	if r.Locale != "zh-CN" || r.URL != "/help/zh-CN/funds-stolen" || r.Category != "stolen-funds" || r.Title == "" || r.Snippet == "" || r.Score <= 0 {
		t.Errorf("first result: %+v", r)
	}
	// Without a locale, Chinese words search zh-CN and others en.
	s.JSON(t, "GET", "/api/v1/public/kb/search?limit=2&q="+url.QueryEscape("助记词怎么备份"), "", nil, http.StatusOK, &out)
	if len(out.Results) == 0 || len(out.Results) > 2 || out.Results[0].Locale != "zh-CN" {
		t.Errorf("Chinese query without locale: %+v", out.Results)
	}
	s.JSON(t, "GET", "/api/v1/public/kb/search?q=stuck+transaction", "", nil, http.StatusOK, &out)
	if len(out.Results) == 0 || out.Results[0].Locale != "en" {
		t.Errorf("English query without locale: %+v", out.Results)
	}
	// Nothing found is an empty list, not null.
	st, b := s.Do(t, "GET", "/api/v1/public/kb/search?locale=en&q=xyzzyplugh", "", nil)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); st != http.StatusOK || err != nil || string(raw["results"]) != "[]" {
		t.Errorf("no match: %d %s", st, b)
	}
	for _, q := range []string{"q=", "q=+++", "q=" + strings.Repeat("x", 201), "q=gas&locale=fr", "q=gas&limit=0", "q=gas&limit=x", "q=gas&limit=51"} {
		st, b := s.Do(t, "GET", "/api/v1/public/kb/search?"+q, "", nil)
		if st != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
			t.Errorf("search ?%.30s: %d %s, want 400 invalid", q, st, b)
		}
	}
}
