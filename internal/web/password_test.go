package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
)

const changePasswordPath = "/api/v1/me/password"

type passwordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

func passwordHash(t *testing.T, s *apptest.Server, agentID string) string {
	t.Helper()
	var h string
	if err := s.App.DB.QueryRow(context.Background(), "SELECT password_hash FROM agents WHERE id = ?", agentID).Scan(&h); err != nil {
		t.Fatalf("read password hash of %s: %v", agentID, err)
	}
	return h
}

// signInStatus tries to sign in without failing the test.
func signInStatus(t *testing.T, s *apptest.Server, email, password string) int {
	t.Helper()
	status, _ := s.Do(t, "POST", "/api/v1/session", "", map[string]string{"email": email, "password": password})
	return status
}

func TestChangePasswordWithSession(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		ko := s.CreateAgent(t, "ko@example.com", "Ko", "agent")
		const newPassword = "purple elephant typing slowly"

		current := s.Login(t, mei.Email, mei.Password)
		other1, other2 := s.Login(t, mei.Email, mei.Password), s.Login(t, mei.Email, mei.Password)
		koSess := s.Login(t, ko.Email, ko.Password)
		before := passwordHash(t, s, mei.ID)

		// Refused requests change nothing and end no session.
		for _, tc := range []struct {
			name, csrf string
			body       any
			status     int
			code, msg  string
		}{
			{"without X-CSRF-Token", "", passwordChange{mei.Password, newPassword}, http.StatusForbidden, "csrf", "reload the page"},
			{"with a wrong X-CSRF-Token", "wrong-" + current.CSRFToken, passwordChange{mei.Password, newPassword}, http.StatusForbidden, "csrf", ""},
			{"wrong current password", current.CSRFToken, passwordChange{"not the password", newPassword}, http.StatusUnauthorized, "unauthorized", "current password is wrong"},
			{"no current password", current.CSRFToken, passwordChange{"", newPassword}, http.StatusBadRequest, "invalid", "current_password"},
			{"too short", current.CSRFToken, passwordChange{mei.Password, "short1234"}, http.StatusBadRequest, "invalid", "at least 10 characters"},
			{"empty new password", current.CSRFToken, passwordChange{mei.Password, ""}, http.StatusBadRequest, "invalid", "at least 10 characters"},
			{"same as the current one", current.CSRFToken, passwordChange{mei.Password, mei.Password}, http.StatusBadRequest, "invalid", "differ"},
			{"not JSON", current.CSRFToken, "current_password=x", http.StatusBadRequest, "malformed_json", ""},
			{"wrong field type", current.CSRFToken, map[string]any{"current_password": mei.Password, "new_password": 12345678901}, http.StatusBadRequest, "invalid", ""},
		} {
			status, body := s.DoSession(t, "POST", changePasswordPath, current, tc.csrf, tc.body)
			if status != tc.status || apptest.ErrorCode(t, body) != tc.code || !strings.Contains(string(body), tc.msg) {
				t.Errorf("%s: %d %s, want %d %s %q", tc.name, status, body, tc.status, tc.code, tc.msg)
			}
		}
		if after := passwordHash(t, s, mei.ID); after != before {
			t.Fatal("a refused change replaced the password hash")
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE agent_id = ?", mei.ID); n != 3 {
			t.Fatalf("%d sessions after refused changes, want 3", n)
		}
		// The wrong current password did not sign the console out, and the
		// old password still signs in.
		if status, body := s.DoSession(t, "GET", "/api/v1/me", current, "", nil); status != http.StatusOK {
			t.Fatalf("GET /me after a wrong current password: %d %s", status, body)
		}
		if status := signInStatus(t, s, mei.Email, mei.Password); status != http.StatusOK {
			t.Fatalf("old password after refused changes: sign in %d, want 200", status)
		}
		if status := signInStatus(t, s, mei.Email, newPassword); status != http.StatusUnauthorized {
			t.Fatalf("new password before the change: sign in %d, want 401", status)
		}

		// The change: 204, a new argon2id hash.
		status, body := s.DoSession(t, "POST", changePasswordPath, current, current.CSRFToken, passwordChange{mei.Password, newPassword})
		if status != http.StatusNoContent || len(body) != 0 {
			t.Fatalf("change password: %d %s", status, body)
		}
		after := passwordHash(t, s, mei.ID)
		if after == before || !strings.HasPrefix(after, "$argon2id$") || strings.Contains(after, newPassword) {
			t.Fatalf("stored hash after the change: %q (before %q)", after, before)
		}

		// The session that made the change still works, for reads and writes.
		if status, body := s.DoSession(t, "GET", "/api/v1/me", current, "", nil); status != http.StatusOK {
			t.Fatalf("the changing session after the change: %d %s", status, body)
		}
		if status, body := s.DoSession(t, "POST", "/api/v1/canned_replies", current, current.CSRFToken,
			map[string]string{"shortcut": "hi", "title": "Hi", "body": "Hello"}); status != http.StatusCreated {
			t.Fatalf("a write by the changing session after the change: %d %s", status, body)
		}
		// The agent's other sessions are ended; other agents' are not.
		for i, ss := range []*apptest.Session{other1, other2} {
			if status, body := s.DoSession(t, "GET", "/api/v1/me", ss, "", nil); status != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
				t.Errorf("other session %d after the change: %d %s, want 401", i+1, status, body)
			}
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE agent_id = ?", mei.ID); n != 1 {
			t.Errorf("%d sessions of the agent after the change, want 1", n)
		}
		if status, body := s.DoSession(t, "GET", "/api/v1/me", koSess, "", nil); status != http.StatusOK {
			t.Errorf("another agent's session after the change: %d %s", status, body)
		}
		// API tokens keep working.
		if status, body := s.Do(t, "GET", "/api/v1/me", mei.Token, nil); status != http.StatusOK {
			t.Errorf("API token after the change: %d %s", status, body)
		}

		// The new password signs in; the old one does not.
		if status := signInStatus(t, s, mei.Email, mei.Password); status != http.StatusUnauthorized {
			t.Errorf("old password after the change: sign in %d, want 401", status)
		}
		s.Login(t, mei.Email, newPassword)
		// The old password is not the current one any more.
		status, body = s.DoSession(t, "POST", changePasswordPath, current, current.CSRFToken, passwordChange{mei.Password, "yet another long password"})
		if status != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
			t.Errorf("change with the old password: %d %s, want 401", status, body)
		}
	})
}

func TestChangePasswordWithToken(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		const newPassword = "purple elephant typing slowly"
		sess := s.Login(t, mei.Email, mei.Password)

		// Errors as with the cookie; no CSRF token is needed.
		if status, body := s.Do(t, "POST", changePasswordPath, mei.Token, passwordChange{"wrong password!", newPassword}); status != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
			t.Fatalf("token, wrong current password: %d %s", status, body)
		}
		if status, body := s.Do(t, "POST", changePasswordPath, mei.Token, passwordChange{mei.Password, "too short"}); status != http.StatusBadRequest || apptest.ErrorCode(t, body) != "invalid" {
			t.Fatalf("token, short password: %d %s", status, body)
		}
		if status, body := s.Do(t, "POST", changePasswordPath, "", passwordChange{mei.Password, newPassword}); status != http.StatusUnauthorized {
			t.Fatalf("no credentials: %d %s", status, body)
		}
		if status, body := s.Do(t, "POST", changePasswordPath, mei.Token, nil); status != http.StatusBadRequest || apptest.ErrorCode(t, body) != "malformed_json" {
			t.Fatalf("token, no body: %d %s", status, body)
		}

		// A bearer token wins over a cookie sent beside it, so the change
		// keeps no session: every console session of the agent ends.
		req := s.NewRequest(t, "POST", changePasswordPath, passwordChange{mei.Password, newPassword})
		req.AddCookie(sess.Cookie)
		if status, body := s.DoRequest(t, req, mei.Token); status != http.StatusNoContent {
			t.Fatalf("token change: %d %s", status, body)
		}
		if status, _ := s.DoSession(t, "GET", "/api/v1/me", sess, "", nil); status != http.StatusUnauthorized {
			t.Errorf("session after a change by token: %d, want 401", status)
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE agent_id = ?", mei.ID); n != 0 {
			t.Errorf("%d sessions left after a change by token", n)
		}
		if status, body := s.Do(t, "GET", "/api/v1/me", mei.Token, nil); status != http.StatusOK {
			t.Errorf("the token after the change: %d %s", status, body)
		}
		if status := signInStatus(t, s, mei.Email, mei.Password); status != http.StatusUnauthorized {
			t.Errorf("old password: sign in %d, want 401", status)
		}
		s.Login(t, mei.Email, newPassword)
	})
}
