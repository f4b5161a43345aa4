// Package apptest starts a real Huiying server for tests: a temp data
// folder, a real database (SQLite, or PostgreSQL through pgtest), the
// bootstrap inbox and admin, and the HTTP server on a loopback port. It
// stops the server when the test ends. Packages that start PostgreSQL
// servers through it need func TestMain(m *testing.M) { pgtest.Main(m) }.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/store/storetest"
)

// Limits the test servers run with.
const (
	MaxRequestBytes = 64 << 10
	MaxUploadBytes  = 1 << 20
)

// Server is a running test server.
type Server struct {
	URL        string // http://127.0.0.1:PORT
	InboxKey   string // public key of the bootstrap "Web chat" inbox
	AdminToken string // API token of admin@huiying.local
	AdminID    string // agent id of admin@huiying.local
	DataDir    string // the server's data folder
	InboxID    string // the bootstrap web-chat inbox (its bot is off: see EnableBot)
	App        *app.App

	client *http.Client
}

// Start opens an app on a fresh data folder and database for engine
// ("sqlite" or "postgres"; postgres skips t when PostgreSQL is not
// installed), bootstraps it, serves it on 127.0.0.1:0 and stops it when t
// ends, waiting for the server to finish shutting down.
func Start(t testing.TB, engine string) *Server {
	t.Helper()
	return StartWith(t, engine, nil)
}

// StartWith is Start with the configuration adjusted by edit (nil: none).
func StartWith(t testing.TB, engine string, edit func(*config.Config)) *Server {
	t.Helper()
	ctx := context.Background()
	dataDir := t.TempDir()
	var dbURL string
	switch engine {
	case "sqlite":
		// Empty: SQLite in the data folder, as a default install runs.
	case "postgres":
		dbURL = storetest.URL(t, "postgres")
	default:
		t.Fatalf("apptest: unknown engine %q (use sqlite or postgres)", engine)
	}
	cfg := config.Config{
		Addr: "127.0.0.1:0", DataDir: dataDir, DBURL: dbURL, LogFormat: "text", LogLevel: "warn",
		MaxRequestBytes: MaxRequestBytes, MaxUploadBytes: MaxUploadBytes, ShutdownTimeout: 5 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	lw := &logWriter{t: t}
	log := slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelWarn}))

	a, err := app.Open(ctx, cfg, log, io.Discard)
	if err != nil {
		t.Fatalf("apptest: open app on %s: %v", engine, err)
	}
	if err := a.Bootstrap(ctx); err != nil {
		a.Close()
		t.Fatalf("apptest: bootstrap: %v", err)
	}
	inboxes, err := a.Convs.Inboxes(ctx)
	if err != nil || len(inboxes) != 1 {
		a.Close()
		t.Fatalf("apptest: bootstrap inboxes = %v, %v; want exactly one", inboxes, err)
	}
	// The FAQ bot would answer every test message; tests that want it call
	// EnableBot.
	if _, err := a.Convs.SetInboxBot(ctx, inboxes[0].ID, false); err != nil {
		a.Close()
		t.Fatalf("apptest: turn the bot off: %v", err)
	}
	admin, err := a.Auth.AgentByEmail(ctx, app.FirstRunEmail)
	if err != nil {
		a.Close()
		t.Fatalf("apptest: find bootstrap admin: %v", err)
	}
	tok, _, err := a.Auth.CreateToken(ctx, admin.ID, "apptest", auth.ScopeAdmin, 0)
	if err != nil {
		a.Close()
		t.Fatalf("apptest: create admin token: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Close()
		t.Fatalf("apptest: listen: %v", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.ServeOn(sctx, ln) }()

	s := &Server{
		URL: "http://" + ln.Addr().String(), InboxKey: inboxes[0].PublicKey, InboxID: inboxes[0].ID, AdminToken: tok, AdminID: admin.ID,
		DataDir: dataDir, App: a,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}},
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("apptest: server stopped with error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("apptest: server did not stop within 30s of cancelling its context")
		}
		s.client.CloseIdleConnections()
		lw.stop()
	})
	return s
}

// Do sends a request and returns the status and body. token, when set, goes
// in "Authorization: Bearer". body may be nil (no body), a []byte or string
// (sent as is), an io.Reader (sent as is) or anything else (sent as JSON).
func (s *Server) Do(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	return s.DoRequest(t, s.NewRequest(t, method, path, body), token)
}

// NewRequest builds a request to the server; body is as for Do.
func (s *Server) NewRequest(t testing.TB, method, path string, body any) *http.Request {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	case io.Reader:
		r = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("apptest: encode request body: %v", err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatalf("apptest: %s %s: %v", method, path, err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// DoRequest sends a prepared request (for multipart uploads and custom
// headers) with the bearer token, if any, and returns the status and body.
func (s *Server) DoRequest(t testing.TB, req *http.Request, token string) (int, []byte) {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("apptest: %s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("apptest: read response of %s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, b
}

// JSON is Do that also checks the status and decodes the response into out
// (when out is not nil).
func (s *Server) JSON(t testing.TB, method, path, token string, body any, wantStatus int, out any) {
	t.Helper()
	status, b := s.Do(t, method, path, token, body)
	if status != wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, status, wantStatus, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// ErrorCode returns error.code of a JSON error body, failing t when the body
// is not the API's error shape.
func ErrorCode(t testing.TB, body []byte) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("response is not a JSON error {\"error\":{\"code\",\"message\"}}: %s (%v)", body, err)
	}
	return e.Error.Code
}

// Started is the widget's answer to starting a conversation.
type Started struct {
	ConversationID string `json:"conversation_id"`
	ContactToken   string `json:"contact_token"`
	ContactID      string `json:"contact_id"`
}

// StartConversation starts an anonymous conversation in the bootstrap inbox
// through the widget API.
func (s *Server) StartConversation(t testing.TB) (convID, contactToken string) {
	t.Helper()
	st := s.StartConversationWith(t, map[string]string{"name": "Test Contact"})
	return st.ConversationID, st.ContactToken
}

// StartConversationWith starts a conversation with the given request body.
func (s *Server) StartConversationWith(t testing.TB, body any) Started {
	t.Helper()
	var st Started
	s.JSON(t, "POST", "/api/v1/widget/"+s.InboxKey+"/conversations", "", body, http.StatusCreated, &st)
	if st.ConversationID == "" || st.ContactToken == "" || st.ContactID == "" {
		t.Fatalf("start conversation: incomplete answer %+v", st)
	}
	return st
}

// Ack is the answer to a contact's message.
type Ack struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	Duplicate bool   `json:"duplicate"`
}

// Send posts a contact message and expects it to be stored as new (201).
func (s *Server) Send(t testing.TB, convID, contactToken, clientID, body string) Ack {
	t.Helper()
	var a Ack
	s.JSON(t, "POST", "/api/v1/widget/conversations/"+convID+"/messages", contactToken,
		map[string]string{"client_message_id": clientID, "body": body}, http.StatusCreated, &a)
	return a
}

// Reply posts an agent message (a note when private) as the admin and
// returns its sequence number.
func (s *Server) Reply(t testing.TB, convID, body string, private bool) int64 {
	t.Helper()
	var m struct {
		Seq int64 `json:"seq"`
	}
	s.JSON(t, "POST", "/api/v1/conversations/"+convID+"/messages", s.AdminToken,
		map[string]any{"body": body, "private": private}, http.StatusCreated, &m)
	return m.Seq
}

// Count runs a "SELECT COUNT(*) …" query (with ? placeholders) on the
// server's database.
func (s *Server) Count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.App.DB.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("apptest: %s: %v", query, err)
	}
	return n
}

// Messages counts the messages stored in a conversation.
func (s *Server) Messages(t testing.TB, convID string) int {
	t.Helper()
	return s.Count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", convID)
}

// String describes the server in failure messages.
func (s *Server) String() string { return fmt.Sprintf("huiying test server at %s", s.URL) }

// logWriter sends the server's log lines to t.Log until the server has
// stopped; afterwards (a late line from a goroutine) they are dropped, since
// t.Log after the test has finished panics.
type logWriter struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *logWriter) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}

// EnableBot turns the FAQ bot on in the bootstrap inbox, as a fresh install
// has it (Start turns it off so other tests see only their own messages).
func (s *Server) EnableBot(t testing.TB) {
	t.Helper()
	if _, err := s.App.Convs.SetInboxBot(context.Background(), s.InboxID, true); err != nil {
		t.Fatalf("apptest: turn the bot on: %v", err)
	}
	// A fresh install trains the model at start; so does this, before the
	// test's first question.
	if err := s.App.Bot.Warm(context.Background()); err != nil {
		t.Fatalf("apptest: train the bot: %v", err)
	}
}
