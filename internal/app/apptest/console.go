package apptest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/huiying/huiying/internal/auth"
)

// Agent is an agent created for a test, with its password and an API token.
type Agent struct {
	ID       string
	Email    string
	Name     string
	Password string
	Token    string // an API token with the admin scope (capped by the role)
	// TOTPSecret is set when the agent has two-factor sign-in on
	// (CreateAdmin, EnrollTOTP); Login then sends the current code.
	TOTPSecret    string
	RecoveryCodes []string
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
	tok, _, err := s.App.Auth.CreateToken(context.Background(), a.ID, "apptest", auth.ScopeAdmin, 0)
	if err != nil {
		t.Fatalf("apptest: create token for %s: %v", email, err)
	}
	a.Token = tok
	return a
}

// CreateAdmin adds an admin with two-factor sign-in already on, so it can
// sign in to the console and use every route (admins without it are held
// at the enrollment screen).
func (s *Server) CreateAdmin(t testing.TB, email, name string) Agent {
	t.Helper()
	a := s.CreateAgent(t, email, name, "admin")
	s.EnrollTOTP(t, &a)
	return a
}

// EnrollTOTP turns two-factor sign-in on for a, directly in the service,
// and keeps the secret and recovery codes in a.
func (s *Server) EnrollTOTP(t testing.TB, a *Agent) {
	t.Helper()
	ctx := context.Background()
	e, err := s.App.Auth.BeginTOTP(ctx, a.ID)
	if err != nil {
		t.Fatalf("apptest: begin TOTP for %s: %v", a.Email, err)
	}
	code, err := totp.GenerateCode(e.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	codes, err := s.App.Auth.ConfirmTOTP(ctx, a.ID, code)
	if err != nil {
		t.Fatalf("apptest: confirm TOTP for %s: %v", a.Email, err)
	}
	a.TOTPSecret, a.RecoveryCodes = e.Secret, codes
}

// LoginAgent signs a in, with the current TOTP code when a has one.
func (s *Server) LoginAgent(t testing.TB, a Agent) *Session {
	t.Helper()
	body := map[string]string{"email": a.Email, "password": a.Password}
	if a.TOTPSecret != "" {
		code, err := totp.GenerateCode(a.TOTPSecret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		body["totp_code"] = code
	}
	return s.loginWith(t, a.Email, body)
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
	return s.loginWith(t, email, map[string]string{"email": email, "password": password})
}

func (s *Server) loginWith(t testing.TB, email string, req map[string]string) *Session {
	t.Helper()
	resp, body := s.RoundTrip(t, s.NewRequest(t, "POST", "/api/v1/session", req))
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
