package webchat_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/channel/webchat"
	"github.com/huiying/huiying/internal/realtime"
)

// pageMux serves the channel's pages alone, without a database.
func pageMux(ch *webchat.Channel) *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range ch.PageRoutes() {
		mux.HandleFunc(rt.Method+" "+rt.Path, rt.Handler)
	}
	return mux
}

// The chat page is framed by the widget on any site, the widget script is
// loaded from any site, and every asset revalidates with its ETag.
func TestChatPagesAndHeaders(t *testing.T) {
	h := pageMux(webchat.New(webchat.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	cases := []struct {
		path, wantType, wantCSP, wantCORS string
	}{
		{"/chat/pk_anything", "text/html", "frame-ancestors *", ""},
		{"/static/chat/demo.html", "text/html", "frame-ancestors *", ""},
		{"/widget.js", "javascript", "", "*"},
		{"/static/chat/chat.js", "javascript", "", ""},
		{"/static/chat/chat.css", "text/css", "", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", c.path, rec.Code)
			continue
		}
		hd := rec.Header()
		if ct := hd.Get("Content-Type"); !strings.Contains(ct, c.wantType) {
			t.Errorf("%s: Content-Type %q, want %s", c.path, ct, c.wantType)
		}
		if csp := hd.Get("Content-Security-Policy"); !strings.Contains(csp, c.wantCSP) {
			t.Errorf("%s: CSP %q lacks %q", c.path, csp, c.wantCSP)
		}
		if xfo := hd.Get("X-Frame-Options"); xfo != "" {
			t.Errorf("%s: X-Frame-Options %q; the widget frames the chat on any site", c.path, xfo)
		}
		if got := hd.Get("Access-Control-Allow-Origin"); got != c.wantCORS {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", c.path, got, c.wantCORS)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: nosniff %q, Cache-Control %q", c.path, hd.Get("X-Content-Type-Options"), hd.Get("Cache-Control"))
		}
		req := httptest.NewRequest("GET", c.path, nil)
		req.Header.Set("If-None-Match", hd.Get("ETag"))
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("%s with its ETag: status %d, want 304", c.path, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/chat/nope.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("missing asset: status %d, want 404", rec.Code)
	}
}

// Every API route of the channel but the conversation start needs a
// contact token, and exactly the three writes a visitor makes are limited.
func TestAPIRoutesDeclareAccessAndLimits(t *testing.T) {
	ch := webchat.New(webchat.Deps{})
	limited := map[string]webchat.Limit{}
	for _, rt := range ch.APIRoutes() {
		public := rt.Path == "/api/v1/widget/{inbox_key}/conversations"
		if (rt.Access == webchat.Public) != public {
			t.Errorf("%s %s: access %d", rt.Method, rt.Path, rt.Access)
		}
		if rt.Handler == nil {
			t.Errorf("%s %s: no handler", rt.Method, rt.Path)
		}
		if rt.Limit != webchat.NoLimit {
			limited[rt.Method+" "+rt.Path] = rt.Limit
		}
	}
	want := map[string]webchat.Limit{
		"POST /api/v1/widget/{inbox_key}/conversations":      webchat.LimitConversations,
		"POST /api/v1/widget/conversations/{id}/messages":    webchat.LimitMessages,
		"POST /api/v1/widget/conversations/{id}/attachments": webchat.LimitUploads,
		// The visitor's name and context: limited like messages.
		"PATCH /api/v1/widget/conversations/{id}": webchat.LimitMessages,
	}
	if len(limited) != len(want) {
		t.Errorf("limited routes %v, want %v", limited, want)
	}
	for k, v := range want {
		if limited[k] != v {
			t.Errorf("%s: limit %d, want %d", k, limited[k], v)
		}
	}
}

// An agent's typing reaches the conversation's open chat windows as a
// typing frame with the agent's name, and no other conversation's.
func TestAgentTypingReachesTheConversation(t *testing.T) {
	hub := realtime.NewHub(8)
	ch := webchat.New(webchat.Deps{Hub: hub})
	sub, other := hub.Conversation("cv_1"), hub.Conversation("cv_2")
	defer hub.Remove(sub)
	defer hub.Remove(other)
	if err := ch.AgentTyping("cv_1", "Mei"); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-sub.Frames:
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("frame %s: %v", b, err)
		}
		if f["type"] != "typing" || f["from"] != "agent" || f["name"] != "Mei" {
			t.Errorf("frame %v, want a typing frame from agent Mei", f)
		}
	default:
		t.Fatal("no typing frame reached the conversation's socket")
	}
	select {
	case b := <-other.Frames:
		t.Errorf("another conversation got %s", b)
	default:
	}
}
