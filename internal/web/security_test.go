package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

func totpNow(t *testing.T, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPOverHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		sess := s.Login(t, mei.Email, mei.Password)

		// Enroll through the console session.
		st, body := s.DoSession(t, "POST", "/api/v1/me/totp", sess, sess.CSRFToken, nil)
		var e struct {
			Secret     string `json:"secret"`
			OTPAuthURL string `json:"otpauth_url"`
		}
		if st != http.StatusOK || json.Unmarshal(body, &e) != nil || e.Secret == "" || !strings.HasPrefix(e.OTPAuthURL, "otpauth://totp/") {
			t.Fatalf("begin: %d %s", st, body)
		}
		st, body = s.DoSession(t, "POST", "/api/v1/me/totp/confirm", sess, sess.CSRFToken, map[string]string{"code": "000000"})
		if st != http.StatusBadRequest {
			t.Fatalf("confirm with a wrong code: %d %s", st, body)
		}
		st, body = s.DoSession(t, "POST", "/api/v1/me/totp/confirm", sess, sess.CSRFToken, map[string]string{"code": totpNow(t, e.Secret)})
		var rc struct {
			RecoveryCodes []string `json:"recovery_codes"`
		}
		if st != http.StatusOK || json.Unmarshal(body, &rc) != nil || len(rc.RecoveryCodes) != 10 {
			t.Fatalf("confirm: %d %s", st, body)
		}

		login := func(body map[string]string) (int, []byte) {
			return s.Do(t, "POST", "/api/v1/session", "", body)
		}
		st, body = login(map[string]string{"email": mei.Email, "password": mei.Password})
		if st != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "totp_required" {
			t.Fatalf("sign in without code: %d %s", st, body)
		}
		st, body = login(map[string]string{"email": mei.Email, "password": mei.Password, "totp_code": "000000"})
		if st != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
			t.Fatalf("sign in with a wrong code: %d %s", st, body)
		}
		st, body = login(map[string]string{"email": mei.Email, "password": mei.Password, "totp_code": totpNow(t, e.Secret)})
		if st != http.StatusOK {
			t.Fatalf("sign in with code: %d %s", st, body)
		}
		rec := map[string]string{"email": mei.Email, "password": mei.Password, "recovery_code": rc.RecoveryCodes[0]}
		if st, body = login(rec); st != http.StatusOK {
			t.Fatalf("sign in with recovery code: %d %s", st, body)
		}
		if st, body = login(rec); st != http.StatusUnauthorized {
			t.Fatalf("recovery code reused: %d %s", st, body)
		}

		// Disable with the password.
		s.JSON(t, "DELETE", "/api/v1/me/totp", mei.Token, map[string]string{"password": "wrong password"}, http.StatusUnauthorized, nil)
		s.JSON(t, "DELETE", "/api/v1/me/totp", mei.Token, map[string]string{"password": mei.Password}, http.StatusNoContent, nil)
		s.Login(t, mei.Email, mei.Password)
	})
}

func TestAdminMustEnrollTOTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		root := s.CreateAgent(t, "root@example.com", "Root", "admin")
		resp, body := s.RoundTrip(t, s.NewRequest(t, "POST", "/api/v1/session",
			map[string]string{"email": root.Email, "password": root.Password}))
		var sj struct {
			CSRFToken         string `json:"csrf_token"`
			TOTPSetupRequired bool   `json:"totp_setup_required"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &sj) != nil || !sj.TOTPSetupRequired {
			t.Fatalf("admin sign-in without TOTP: %d %s", resp.StatusCode, body)
		}
		sess := &apptest.Session{Cookie: sessionCookieOf(resp), CSRFToken: sj.CSRFToken}

		// Held at enrollment: everything else answers 403 totp_setup_required.
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/conversations"}, {"GET", "/api/v1/agents"}, {"POST", "/api/v1/me/password"}, {"GET", "/api/v1/audit"},
		} {
			st, b := s.DoSession(t, c.method, c.path, sess, sess.CSRFToken, map[string]string{})
			if st != http.StatusForbidden || apptest.ErrorCode(t, b) != "totp_setup_required" {
				t.Fatalf("%s %s before enrollment: %d %s", c.method, c.path, st, b)
			}
		}
		for _, path := range []string{"/api/v1/me", "/api/v1/session"} {
			if st, b := s.DoSession(t, "GET", path, sess, "", nil); st != http.StatusOK {
				t.Fatalf("GET %s before enrollment: %d %s", path, st, b)
			}
		}
		// The admin's API token keeps working.
		s.JSON(t, "GET", "/api/v1/agents", root.Token, nil, http.StatusOK, nil)

		st, b := s.DoSession(t, "POST", "/api/v1/me/totp", sess, sess.CSRFToken, nil)
		var e struct{ Secret string }
		if st != http.StatusOK || json.Unmarshal(b, &e) != nil {
			t.Fatalf("begin: %d %s", st, b)
		}
		if st, b := s.DoSession(t, "POST", "/api/v1/me/totp/confirm", sess, sess.CSRFToken, map[string]string{"code": totpNow(t, e.Secret)}); st != http.StatusOK {
			t.Fatalf("confirm: %d %s", st, b)
		}
		// The same session may now do everything.
		if st, b := s.DoSession(t, "GET", "/api/v1/agents", sess, "", nil); st != http.StatusOK {
			t.Fatalf("after enrollment: %d %s", st, b)
		}
		// Admins cannot turn it off.
		st, b = s.DoSession(t, "DELETE", "/api/v1/me/totp", sess, sess.CSRFToken, map[string]string{"password": root.Password})
		if st != http.StatusForbidden {
			t.Fatalf("admin disables TOTP: %d %s", st, b)
		}
		root.TOTPSecret = e.Secret
		s.LoginAgent(t, root)
	})
}

func TestSignInRateLimit(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		for range auth.MaxLoginFailuresPair {
			s.JSON(t, "POST", "/api/v1/session", "", map[string]string{"email": mei.Email, "password": "wrong password"}, http.StatusUnauthorized, nil)
		}
		for _, pw := range []string{"wrong password", mei.Password} {
			resp, body := s.RoundTrip(t, s.NewRequest(t, "POST", "/api/v1/session", map[string]string{"email": mei.Email, "password": pw}))
			st := resp.StatusCode
			if st != http.StatusTooManyRequests || apptest.ErrorCode(t, body) != "rate_limited" || !strings.Contains(string(body), "try again") {
				t.Fatalf("locked sign-in: %d %s", st, body)
			}
			// Retry-After says how long: at most the 15-minute window.
			if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > int(auth.LoginWindow/time.Second) {
				t.Fatalf("Retry-After = %q, want seconds within the lockout window", resp.Header.Get("Retry-After"))
			}
		}
		// Other accounts are not locked (the IP has 10 of its 30).
		ko := s.CreateAgent(t, "ko@example.com", "Ko", "agent")
		s.Login(t, ko.Email, ko.Password)
		// The failures are audited each; the refusals only as a count.
		if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_failed' AND actor_email = ?", mei.Email); n != 10 {
			t.Fatalf("%d sign-in failures audited, want 10", n)
		}
		if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_refused' AND actor_email = ?", mei.Email); n != 1 {
			t.Fatalf("%d sign-in refusals audited, want 1 (the first)", n)
		}
	})
}

func TestTokenScopesOverHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ctx := t.Context()
		tok := func(sc auth.Scope) string {
			secret, _, err := s.App.Auth.CreateToken(ctx, s.AdminID, "t", sc, 0)
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		read, write, admin := tok(auth.ScopeRead), tok(auth.ScopeWrite), tok(auth.ScopeAdmin)
		conv, _ := s.StartConversation(t)

		s.JSON(t, "GET", "/api/v1/conversations/"+conv, read, nil, http.StatusOK, nil)
		st, body := s.Do(t, "PATCH", "/api/v1/conversations/"+conv, read, map[string]string{"status": "resolved"})
		if st != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" || !strings.Contains(string(body), "this token is read-only") {
			t.Fatalf("read token writes: %d %s", st, body)
		}
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, write, map[string]string{"status": "resolved"}, http.StatusOK, nil)
		for _, tk := range []string{read, write} {
			st, body = s.Do(t, "GET", "/api/v1/audit", tk, nil)
			if st != http.StatusForbidden {
				t.Fatalf("admin route with a lesser scope: %d %s", st, body)
			}
		}
		s.JSON(t, "GET", "/api/v1/audit", admin, nil, http.StatusOK, nil)
		// The scope never adds to the role.
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent") // its token has the admin scope
		s.JSON(t, "GET", "/api/v1/audit", mei.Token, nil, http.StatusForbidden, nil)
	})
}

type auditEntry struct {
	ID         int64          `json:"id"`
	ActorType  string         `json:"actor_type"`
	ActorID    string         `json:"actor_id"`
	ActorEmail string         `json:"actor_email"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	IP         string         `json:"ip"`
	UserAgent  string         `json:"user_agent"`
	Details    map[string]any `json:"details"`
}

func TestAuditLog(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		sess := s.Login(t, mei.Email, mei.Password)
		s.JSON(t, "POST", "/api/v1/session", "", map[string]string{"email": mei.Email, "password": "wrong password"}, http.StatusUnauthorized, nil)
		conv, _ := s.StartConversation(t)
		if st, b := s.DoSession(t, "PATCH", "/api/v1/conversations/"+conv, sess, sess.CSRFToken,
			map[string]any{"status": "resolved", "attributes": map[string]string{"tier": "gold"}}); st != http.StatusOK {
			t.Fatalf("patch: %d %s", st, b)
		}
		s.Reply(t, conv, "a note", true)
		var canned struct{ ID string }
		s.JSON(t, "POST", "/api/v1/canned_replies", mei.Token, map[string]string{"shortcut": "hi", "title": "Hi", "body": "Hello!"}, http.StatusCreated, &canned)
		s.JSON(t, "DELETE", "/api/v1/canned_replies/"+canned.ID, mei.Token, nil, http.StatusNoContent, nil)
		s.JSON(t, "POST", "/api/v1/conversations/"+conv+"/typing", mei.Token, map[string]bool{"typing": true}, http.StatusNoContent, nil)
		if st, _ := s.DoSession(t, "DELETE", "/api/v1/session", sess, "", nil); st != http.StatusNoContent {
			t.Fatalf("sign out: %d", st)
		}
		// A failed write is not recorded.
		s.JSON(t, "PATCH", "/api/v1/conversations/"+conv, mei.Token, map[string]any{"status": "bogus"}, http.StatusBadRequest, nil)

		var out struct{ Entries []auditEntry }
		s.JSON(t, "GET", "/api/v1/audit?limit=1000", s.AdminToken, nil, http.StatusOK, &out)
		byAction := map[string][]auditEntry{}
		for _, e := range out.Entries {
			byAction[e.Action] = append(byAction[e.Action], e)
		}
		one := func(action string) auditEntry {
			t.Helper()
			if len(byAction[action]) != 1 {
				t.Fatalf("%d entries for %q; all: %+v", len(byAction[action]), action, out.Entries)
			}
			return byAction[action][0]
		}
		if e := one("POST /api/v1/agents"); e.ActorType != "token" || e.ActorID != s.AdminID || e.TargetType != "agent" || e.TargetID != mei.ID {
			t.Fatalf("agent create entry %+v", e)
		}
		if e := one("session.sign_in"); e.ActorID != mei.ID || e.IP != "127.0.0.1" || e.UserAgent == "" {
			t.Fatalf("sign-in entry %+v", e)
		}
		if e := one("session.sign_in_failed"); e.ActorEmail != mei.Email || e.Details["reason"] != "unauthorized" {
			t.Fatalf("sign-in failure entry %+v", e)
		}
		p := one("PATCH /api/v1/conversations/{id}")
		ch, _ := p.Details["changes"].(map[string]any)
		if p.ActorType != "agent" || p.TargetID != conv || ch["status"] != "resolved" || ch["attributes"] != "(changed)" {
			t.Fatalf("patch entry %+v", p)
		}
		if e := one("POST /api/v1/conversations/{id}/messages"); e.Details["private"] != true || e.TargetID != conv {
			t.Fatalf("note entry %+v", e)
		}
		if e := one("POST /api/v1/canned_replies"); e.TargetID != canned.ID {
			t.Fatalf("canned create entry %+v", e)
		}
		one("DELETE /api/v1/canned_replies/{id}")
		one("session.sign_out")
		if len(byAction["POST /api/v1/conversations/{id}/typing"]) != 0 {
			t.Fatal("typing was audited")
		}

		// Filters and paging.
		s.JSON(t, "GET", "/api/v1/audit?actor_id="+mei.ID+"&action=session.sign_in", s.AdminToken, nil, http.StatusOK, &out)
		if len(out.Entries) != 1 {
			t.Fatalf("filtered: %+v", out.Entries)
		}
		var page struct{ Entries []auditEntry }
		s.JSON(t, "GET", "/api/v1/audit?limit=2", s.AdminToken, nil, http.StatusOK, &page)
		if len(page.Entries) != 2 {
			t.Fatalf("limit=2: %d", len(page.Entries))
		}
		var next struct{ Entries []auditEntry }
		s.JSON(t, "GET", "/api/v1/audit?limit=2&before="+itoa(page.Entries[1].ID), s.AdminToken, nil, http.StatusOK, &next)
		if len(next.Entries) != 2 || next.Entries[0].ID >= page.Entries[1].ID {
			t.Fatalf("next page %+v after %+v", next.Entries, page.Entries)
		}
		s.JSON(t, "GET", "/api/v1/audit?since=2999-01-01", s.AdminToken, nil, http.StatusOK, &out)
		if len(out.Entries) != 0 {
			t.Fatalf("since the future: %+v", out.Entries)
		}
		s.JSON(t, "GET", "/api/v1/audit?since=yesterday", s.AdminToken, nil, http.StatusBadRequest, nil)

		// CSV export.
		req := s.NewRequest(t, "GET", "/api/v1/audit/export?action=session.sign_in", nil)
		req.Header.Set("Authorization", "Bearer "+s.AdminToken)
		resp, body := s.RoundTrip(t, req)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("export: %d %v", resp.StatusCode, resp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || len(rows) != 2 || rows[0][0] != "id" || rows[1][5] != "session.sign_in" || rows[1][4] != mei.Email {
			t.Fatalf("export rows %q (%v)", rows, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
