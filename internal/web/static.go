package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// static holds the agent console and the chat widget: plain HTML, CSS and
// JavaScript, no build step, embedded in the binary.
//
//go:embed static
var staticFS embed.FS

// staticFile is one embedded asset with its ETag.
type staticFile struct {
	body []byte
	etag string
}

func loadStatic() map[string]staticFile {
	out := map[string]staticFile{}
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "static/")] = staticFile{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return out
}

// serveStatic answers with an embedded file. Assets are revalidated with
// their ETag on every load, so a new binary never serves stale scripts.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := s.static[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasSuffix(name, ".html") {
		// The chat page is framed by the widget on any site; the console
		// must never be framed (clickjacking).
		frame := "'none'"
		if strings.HasPrefix(name, "chat/") {
			frame = "*"
		} else {
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "+
			"script-src 'self'; connect-src 'self'; frame-ancestors "+frame)
		h.Set("Referrer-Policy", "same-origin")
	}
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(f.body))
}

// pageRoutes are the HTML pages and their assets; they are public (the
// console signs in through the API) and not part of the OpenAPI document.
func (s *Server) pageRoutes() []Route {
	return append([]Route{
		{"GET", "/{$}", Public, s.consolePage},
		{"GET", "/static/{path...}", Public, s.staticAsset},
		{"GET", "/widget.js", Public, s.widgetScript},
		{"GET", "/chat/{inbox_key}", Public, s.chatPage},
		{"GET", "/verify", Public, s.verifyPage},
	}, publicRoutes(s.help.PageRoutes())...)
}

func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, "console/index.html")
}

func (s *Server) staticAsset(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, r.PathValue("path"))
}

func (s *Server) chatPage(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, "chat/chat.html")
}

func (s *Server) widgetScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s.serveStatic(w, r, "chat/widget.js")
}

// verifyPage explains how to recognise real support and lists the official
// channels.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, "verify/verify.html")
}
