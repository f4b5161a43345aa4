package web

import (
	"embed"
	"net/http"
	"strings"

	"github.com/huiying/huiying/internal/web/httpx"
)

// static holds the agent console and the chat widget: plain HTML, CSS and
// JavaScript, no build step, embedded in the binary.
//
//go:embed static
var staticFS embed.FS

func loadStatic() httpx.Assets { return httpx.LoadAssets(staticFS, "static") }

// serveStatic answers with an embedded file (httpx.Assets.Serve). The chat
// page is framed by the widget on any site; the console must never be
// framed (clickjacking).
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	s.static.Serve(w, r, name, strings.HasPrefix(name, "chat/"))
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
