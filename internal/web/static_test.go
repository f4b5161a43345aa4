package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPagesAndHeaders(t *testing.T) {
	h := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	cases := []struct {
		path, wantType, wantFrame string
	}{
		{"/", "text/html", "frame-ancestors 'none'"},
		{"/chat/pk_anything", "text/html", "frame-ancestors *"},
		{"/widget.js", "javascript", ""},
		{"/static/console/app.js", "javascript", ""},
		{"/static/chat/chat.css", "text/css", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", c.path, rec.Code)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, c.wantType) {
			t.Errorf("%s: Content-Type %q, want %s", c.path, ct, c.wantType)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); c.wantFrame != "" && !strings.Contains(csp, c.wantFrame) {
			t.Errorf("%s: CSP %q lacks %q", c.path, csp, c.wantFrame)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Errorf("%s: no ETag", c.path)
			continue
		}
		req := httptest.NewRequest("GET", c.path, nil)
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("%s with its ETag: status %d, want 304", c.path, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/nope.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("missing asset: status %d, want 404", rec.Code)
	}
}
