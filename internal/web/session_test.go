package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
)

type sessionJSON struct {
	Agent struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"`
	} `json:"agent"`
	CSRFToken string `json:"csrf_token"`
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "huiying_session" {
			return c
		}
	}
	return nil
}

func TestConsoleSignIn(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		login := func(email, password string, hdr http.Header) (*http.Response, []byte) {
			req := s.NewRequest(t, "POST", "/api/v1/session", map[string]string{"email": email, "password": password})
			for k, v := range hdr {
				req.Header[k] = v
			}
			return s.RoundTrip(t, req)
		}

		resp, body := login(" MEI@example.com ", mei.Password, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sign in: %d %s", resp.StatusCode, body)
		}
		var got sessionJSON
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Agent.ID != mei.ID || got.Agent.Name != "Mei" || got.Agent.Role != "agent" || len(got.CSRFToken) < 32 {
			t.Fatalf("sign-in answer %s", body)
		}
		c := sessionCookieOf(resp)
		if c == nil || len(c.Value) < 32 || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure ||
			c.MaxAge != int((12*time.Hour)/time.Second) {
			t.Fatalf("session cookie %+v (Set-Cookie %q)", c, resp.Header.Values("Set-Cookie"))
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		// Only a hash of the cookie is stored.
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE id_hash = ?", c.Value); n != 0 {
			t.Fatal("the raw cookie value is stored")
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE agent_id = ?", mei.ID); n != 1 {
			t.Fatalf("%d sessions stored, want 1", n)
		}

		// Behind a TLS-terminating proxy the cookie is Secure.
		resp, body = login("mei@example.com", mei.Password, http.Header{"X-Forwarded-Proto": {"https"}})
		if c := sessionCookieOf(resp); resp.StatusCode != http.StatusOK || c == nil || !c.Secure {
			t.Fatalf("sign in over https: %d %s, cookie %+v", resp.StatusCode, body, c)
		}

		// A browser on another site cannot sign anyone in; the console's own
		// page can.
		resp, body = login(mei.Email, mei.Password, http.Header{"Origin": {"https://evil.example"}})
		if resp.StatusCode != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" || sessionCookieOf(resp) != nil {
			t.Fatalf("sign in from another origin: %d %s", resp.StatusCode, body)
		}
		if resp, body = login(mei.Email, mei.Password, http.Header{"Origin": {s.URL}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("sign in from the console's origin: %d %s", resp.StatusCode, body)
		}

		// GET /api/v1/session answers the same body for the cookie.
		sess := s.Login(t, mei.Email, mei.Password)
		var again sessionJSON
		status, body := s.DoSession(t, "GET", "/api/v1/session", sess, "", nil)
		if status != http.StatusOK || json.Unmarshal(body, &again) != nil || again.Agent.ID != mei.ID || again.CSRFToken != sess.CSRFToken {
			t.Fatalf("GET session: %d %s", status, body)
		}
		if status, body := s.Do(t, "GET", "/api/v1/session", "", nil); status != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
			t.Fatalf("GET session without a cookie: %d %s", status, body)
		}
		// An API token is not a console session.
		if status, _ := s.Do(t, "GET", "/api/v1/session", mei.Token, nil); status != http.StatusUnauthorized {
			t.Fatalf("GET session with a bearer token: %d, want 401", status)
		}

		// Wrong credentials, and a deactivated agent, get one answer.
		ko := s.CreateAgent(t, "ko@example.com", "Ko", "agent")
		s.JSON(t, "PATCH", "/api/v1/agents/"+ko.ID, s.AdminToken, map[string]bool{"active": false}, http.StatusOK, nil)
		before := s.Count(t, "SELECT COUNT(*) FROM sessions")
		for _, tc := range []struct{ name, email, password string }{
			{"wrong password", mei.Email, "not the password"},
			{"unknown email", "nobody@example.com", mei.Password},
			{"empty", "", ""},
			{"deactivated agent", ko.Email, ko.Password},
		} {
			resp, body := login(tc.email, tc.password, nil)
			if resp.StatusCode != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" ||
				!strings.Contains(string(body), "wrong email or password") || sessionCookieOf(resp) != nil {
				t.Errorf("%s: %d %s (cookie %v)", tc.name, resp.StatusCode, body, sessionCookieOf(resp))
			}
		}
		if after := s.Count(t, "SELECT COUNT(*) FROM sessions"); after != before {
			t.Errorf("failed sign-ins stored sessions: %d → %d", before, after)
		}
	})
}

func TestCookieAuthAndCSRF(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		sess := s.Login(t, mei.Email, mei.Password)
		conv, _ := s.StartConversation(t)

		// The cookie works on agent routes, as its agent.
		var me struct {
			ID string `json:"id"`
		}
		status, body := s.DoSession(t, "GET", "/api/v1/me", sess, "", nil)
		if status != http.StatusOK || json.Unmarshal(body, &me) != nil || me.ID != mei.ID {
			t.Fatalf("GET /me with the cookie: %d %s", status, body)
		}
		if status, body := s.DoSession(t, "GET", "/api/v1/conversations/"+conv+"/messages", sess, "", nil); status != http.StatusOK {
			t.Fatalf("GET messages with the cookie: %d %s", status, body)
		}
		// …with the role of its agent.
		if status, body := s.DoSession(t, "POST", "/api/v1/teams", sess, sess.CSRFToken, map[string]string{"name": "X"}); status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
			t.Fatalf("agent creating a team with the cookie: %d %s", status, body)
		}

		// Writes need the CSRF token; refused ones write nothing.
		before := s.Snapshot(t, conv)
		for _, tc := range []struct{ name, csrf string }{{"without X-CSRF-Token", ""}, {"with a wrong X-CSRF-Token", "wrong-" + sess.CSRFToken}} {
			for _, w := range []struct {
				method, path string
				body         any
			}{
				{"POST", "/api/v1/conversations/" + conv + "/messages", map[string]string{"body": "hi"}},
				{"PATCH", "/api/v1/conversations/" + conv, map[string]string{"status": "resolved"}},
				{"POST", "/api/v1/canned_replies", map[string]string{"shortcut": "hi", "title": "Hi", "body": "Hello"}},
				{"POST", "/api/v1/conversations/" + conv + "/typing", nil},
			} {
				status, body := s.DoSession(t, w.method, w.path, sess, tc.csrf, w.body)
				if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "csrf" || !strings.Contains(string(body), "reload the page") {
					t.Errorf("%s %s %s: %d %s, want 403 csrf", tc.name, w.method, w.path, status, body)
				}
			}
		}
		s.AssertNothingWritten(t, before, conv)

		// With the token the write goes through.
		var m message
		status, body = s.DoSession(t, "POST", "/api/v1/conversations/"+conv+"/messages", sess, sess.CSRFToken, map[string]string{"body": "hi"})
		if status != http.StatusCreated || json.Unmarshal(body, &m) != nil || m.Body != "hi" {
			t.Fatalf("POST with the CSRF token: %d %s", status, body)
		}
		// A bearer token needs no CSRF token, even with a cookie beside it.
		req := s.NewRequest(t, "POST", "/api/v1/conversations/"+conv+"/messages", map[string]string{"body": "by token"})
		req.AddCookie(sess.Cookie)
		if status, body := s.DoRequest(t, req, mei.Token); status != http.StatusCreated {
			t.Fatalf("bearer POST: %d %s", status, body)
		}
		if status, body := s.Do(t, "POST", "/api/v1/conversations/"+conv+"/messages", mei.Token, map[string]string{"body": "token only"}); status != http.StatusCreated {
			t.Fatalf("bearer POST: %d %s", status, body)
		}

		// An unknown cookie is 401 and cleared.
		bogus := &apptest.Session{Cookie: &http.Cookie{Name: "huiying_session", Value: "NOTASESSION"}}
		req = s.NewRequest(t, "GET", "/api/v1/me", nil)
		req.AddCookie(bogus.Cookie)
		resp, body := s.RoundTrip(t, req)
		if resp.StatusCode != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
			t.Fatalf("unknown cookie: %d %s", resp.StatusCode, body)
		}
		if c := sessionCookieOf(resp); c == nil || c.MaxAge >= 0 {
			t.Errorf("unknown cookie not cleared: %v", resp.Header.Values("Set-Cookie"))
		}
	})
}

func TestSignOutAndSessionEnd(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")

		// Sign out deletes the session and clears the cookie.
		sess := s.Login(t, mei.Email, mei.Password)
		req := s.NewRequest(t, "DELETE", "/api/v1/session", nil)
		req.AddCookie(sess.Cookie)
		resp, body := s.RoundTrip(t, req)
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("sign out: %d %s", resp.StatusCode, body)
		}
		if c := sessionCookieOf(resp); c == nil || c.Value != "" || c.MaxAge >= 0 || !c.HttpOnly {
			t.Errorf("sign out did not clear the cookie: %v", resp.Header.Values("Set-Cookie"))
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE agent_id = ?", mei.ID); n != 0 {
			t.Fatalf("%d sessions left after sign out", n)
		}
		for _, path := range []string{"/api/v1/session", "/api/v1/me"} {
			if status, _ := s.DoSession(t, "GET", path, sess, "", nil); status != http.StatusUnauthorized {
				t.Errorf("GET %s after sign out: %d, want 401", path, status)
			}
		}
		// Signing out twice, or without a session, is fine.
		if status, body := s.DoSession(t, "DELETE", "/api/v1/session", sess, "", nil); status != http.StatusNoContent {
			t.Errorf("second sign out: %d %s", status, body)
		}

		// An expired session is refused (the clock itself is moved in the
		// auth package's tests).
		sess = s.Login(t, mei.Email, mei.Password)
		if _, err := s.App.DB.Exec(context.Background(), "UPDATE sessions SET expires_at = ? WHERE agent_id = ?",
			time.Now().Add(-time.Second).UnixMilli(), mei.ID); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/session", "/api/v1/me"} {
			if status, body := s.DoSession(t, "GET", path, sess, "", nil); status != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
				t.Errorf("GET %s with an expired session: %d %s", path, status, body)
			}
		}

		// Deactivating an agent ends all their sessions at once.
		s1, s2 := s.Login(t, mei.Email, mei.Password), s.Login(t, mei.Email, mei.Password)
		s.JSON(t, "PATCH", "/api/v1/agents/"+mei.ID, s.AdminToken, map[string]bool{"active": false}, http.StatusOK, nil)
		if n := s.Count(t, "SELECT COUNT(*) FROM sessions WHERE agent_id = ?", mei.ID); n != 0 {
			t.Fatalf("%d sessions left after deactivation", n)
		}
		for _, ss := range []*apptest.Session{s1, s2} {
			if status, _ := s.DoSession(t, "GET", "/api/v1/me", ss, "", nil); status != http.StatusUnauthorized {
				t.Errorf("deactivated agent's session: %d, want 401", status)
			}
		}
		if status, _ := s.Do(t, "GET", "/api/v1/me", mei.Token, nil); status != http.StatusUnauthorized {
			t.Errorf("deactivated agent's token: %d, want 401", status)
		}
	})
}

func TestAgentStreamWithCookieChecksOrigin(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		sess := s.Login(t, mei.Email, mei.Password)
		cookie := sess.Cookie.Name + "=" + sess.Cookie.Value
		dialWith := func(h http.Header) (*websocket.Conn, int, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, resp, err := websocket.Dial(ctx, s.WSURL("/ws/agent"), &websocket.DialOptions{HTTPHeader: h})
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			return c, status, err
		}
		for _, tc := range []struct {
			name   string
			origin []string
		}{
			{"foreign origin", []string{"https://evil.example"}},
			{"same host, other port", []string{strings.Replace(s.URL, "127.0.0.1:", "127.0.0.1:1", 1)}},
			{"no origin", nil},
		} {
			h := http.Header{"Cookie": {cookie}}
			if tc.origin != nil {
				h["Origin"] = tc.origin
			}
			c, status, err := dialWith(h)
			if err == nil {
				c.CloseNow()
				t.Fatalf("%s: upgraded, want 403", tc.name)
			}
			if status != http.StatusForbidden {
				t.Fatalf("%s: HTTP %d (%v), want 403", tc.name, status, err)
			}
		}
		// From the console's own origin the stream opens and delivers.
		c, status, err := dialWith(http.Header{"Cookie": {cookie}, "Origin": {s.URL}})
		if err != nil {
			t.Fatalf("same-origin cookie stream: HTTP %d: %v", status, err)
		}
		t.Cleanup(func() { c.CloseNow() })
		conv, tok := s.StartConversation(t)
		s.Send(t, conv, tok, "m1", "hello")
		ev := nextEvent(t, c, "message.created")
		if ev.ConversationID != conv {
			t.Fatalf("event %+v", ev)
		}
		// A bearer token needs no Origin (native clients, integrations).
		s.DialWS(t, "/ws/agent", mei.Token)
	})
}
