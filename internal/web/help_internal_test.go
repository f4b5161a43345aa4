package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"# Title\n\nOne\ntwo.", "<h2>Title</h2>\n<p>One\ntwo.</p>\n"},
		{"### Deep ###", "<h4>Deep</h4>\n"},
		{"- a\n- **b**\n  more\n\n1. x\n2) `y`", "<ul>\n<li>a</li>\n<li><strong>b</strong>\nmore</li>\n</ul>\n<ol>\n<li>x</li>\n<li><code>y</code></li>\n</ol>\n"},
		{"See [docs](https://e.com/w_(x)) and [bad](ftp://e.com) [rel](/help).", `<p>See <a href="https://e.com/w_(x)" rel="nofollow noopener noreferrer">docs</a> and bad rel.</p>` + "\n"},
		{"**[b](http://e.com)** [**c**](http://e.com)", `<p><strong><a href="http://e.com" rel="nofollow noopener noreferrer">b</a></strong> <a href="http://e.com" rel="nofollow noopener noreferrer"><strong>c</strong></a></p>` + "\n"},
		{"** not bold and ` not code", "<p>** not bold and ` not code</p>\n"},
		{"a < b & c > \"d\" 'e'", "<p>a &lt; b &amp; c &gt; &#34;d&#34; &#39;e&#39;</p>\n"},
		{"[x](JavaScript:alert(1)) [y](HTTPS://E.COM)", `<p>x <a href="HTTPS://E.COM" rel="nofollow noopener noreferrer">y</a></p>` + "\n"},
	} {
		if got := string(renderMarkdown(c.in)); got != c.want {
			t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestHelpLang(t *testing.T) {
	for _, c := range []struct{ query, accept, want string }{
		{"", "", "en"},
		{"lang=zh-CN", "en", "zh-CN"},
		{"lang=zh", "", "zh-CN"},
		{"lang=en", "zh-CN", "en"},
		{"lang=fr", "zh-TW,zh;q=0.9", "zh-CN"},
		{"", "fr-CH, fr;q=0.9, en;q=0.8, zh;q=0.7", "en"},
		{"", "en;q=0.5, zh-Hans-CN", "zh-CN"},
		{"", "zh;q=0, en", "en"},
	} {
		r := httptest.NewRequest("GET", "/help?"+c.query, nil)
		r.Header.Set("Accept-Language", c.accept)
		if got := helpLang(r); got != c.want {
			t.Errorf("helpLang(?%s, %q) = %q, want %q", c.query, c.accept, got, c.want)
		}
	}
}

func TestHelpRedirects(t *testing.T) {
	h := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
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
