package apptest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// Agent is an agent created for a test, with its password and an API token.
type Agent struct {
	ID       string
	Email    string
	Name     string
	Password string
	Token    string
}

// CreateAgent adds an agent through the admin API (POST /api/v1/agents)
// with a known password, and issues an API token for it.
func (s *Server) CreateAgent(t testing.TB, email, name, role string) Agent {
	t.Helper()
	a := Agent{Email: email, Name: name, Password: "correct horse battery staple"}
	var resp struct {
		Agent struct {
			ID string `json:"id"`
		} `json:"agent"`
	}
	s.JSON(t, "POST", "/api/v1/agents", s.AdminToken,
		map[string]string{"email": email, "name": name, "role": role, "password": a.Password}, http.StatusCreated, &resp)
	a.ID = resp.Agent.ID
	tok, _, err := s.App.Auth.CreateToken(context.Background(), a.ID, "apptest", 0)
	if err != nil {
		t.Fatalf("apptest: create token for %s: %v", email, err)
	}
	a.Token = tok
	return a
}

// Session is a signed-in console session.
type Session struct {
	Cookie    *http.Cookie // huiying_session
	CSRFToken string
	AgentID   string
}

// Login signs in through POST /api/v1/session and fails t unless it
// answers 200 with a session cookie and a CSRF token.
func (s *Server) Login(t testing.TB, email, password string) *Session {
	t.Helper()
	resp, body := s.RoundTrip(t, s.NewRequest(t, "POST", "/api/v1/session",
		map[string]string{"email": email, "password": password}))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in as %s: status %d, body %s", email, resp.StatusCode, body)
	}
	var out struct {
		Agent struct {
			ID string `json:"id"`
		} `json:"agent"`
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("sign in as %s: decode %s: %v", email, body, err)
	}
	sess := &Session{CSRFToken: out.CSRFToken, AgentID: out.Agent.ID}
	for _, c := range resp.Cookies() {
		if c.Name == "huiying_session" {
			sess.Cookie = c
		}
	}
	if sess.Cookie == nil || sess.Cookie.Value == "" || sess.CSRFToken == "" || sess.AgentID == "" {
		t.Fatalf("sign in as %s: incomplete session (cookies %v, body %s)", email, resp.Cookies(), body)
	}
	return sess
}

// DoSession sends a request with the session's cookie and, when csrf is
// not empty, the X-CSRF-Token header; body is as for Do.
func (s *Server) DoSession(t testing.TB, method, path string, sess *Session, csrf string, body any) (int, []byte) {
	t.Helper()
	req := s.NewRequest(t, method, path, body)
	req.AddCookie(sess.Cookie)
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return s.DoRequest(t, req, "")
}

// RoundTrip sends a prepared request as is and returns the response (its
// body already read and closed) and the body, for tests that look at
// headers and cookies.
func (s *Server) RoundTrip(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("apptest: %s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("apptest: read response of %s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp, b
}
