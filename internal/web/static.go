package web

import (
	"embed"
	"net/http"

	"github.com/huiying/huiying/internal/web/httpx"
)

// static holds the agent console and the verify page: plain HTML, CSS and
// JavaScript, no build step, embedded in the binary. The chat page and the
// widget are the web-chat channel's (internal/channel/webchat).
//
//go:embed static
var staticFS embed.FS

func loadStatic() httpx.Assets { return httpx.LoadAssets(staticFS, "static") }

// serveStatic answers with an embedded file (httpx.Assets.Serve). The
// console must never be framed (clickjacking).
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	s.static.Serve(w, r, name, false)
}

// pageRoutes are the HTML pages and their assets; they are public (the
// console signs in through the API) and not part of the OpenAPI document.
func (s *Server) pageRoutes() []Route {
	return append([]Route{
		{"GET", "/{$}", Public, s.consolePage},
		{"GET", "/static/{path...}", Public, s.staticAsset},
		{"GET", "/verify", Public, s.verifyPage},
	}, append(s.chatRoutes(s.chat.PageRoutes()), publicRoutes(s.help.PageRoutes())...)...)
}

func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, "console/index.html")
}

func (s *Server) staticAsset(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, r.PathValue("path"))
}

// verifyPage explains how to recognise real support and lists the official
// channels.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	s.serveStatic(w, r, "verify/verify.html")
}
