package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

type setupAnswer struct {
	Steps []struct {
		ID   string `json:"id"`
		Done bool   `json:"done"`
	} `json:"steps"`
	Done      bool `json:"done"`
	Dismissed bool `json:"dismissed"`
}

func (a setupAnswer) done() map[string]bool {
	m := map[string]bool{}
	for _, s := range a.Steps {
		m[s.ID] = s.Done
	}
	return m
}

// The first-run checklist follows the desk's real state, and a dismissal.
func TestSetupChecklist(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		var a setupAnswer
		get := func() map[string]bool {
			t.Helper()
			s.JSON(t, "GET", "/api/v1/setup", s.AdminToken, nil, http.StatusOK, &a)
			return a.done()
		}
		want := func(step string, done bool) {
			t.Helper()
			if got := get(); got[step] != done {
				t.Fatalf("step %s done = %v, want %v (all: %v)", step, got[step], done, got)
			}
		}
		if got := get(); len(got) != 4 || got["official_channels"] || got["widget_snippet"] || got["invite_agents"] || a.Done || a.Dismissed {
			t.Fatalf("a fresh desk's checklist: %+v", a)
		}

		s.JSON(t, "PUT", "/api/v1/official-channels", s.AdminToken,
			map[string]any{"channels": []map[string]string{{"label": "X", "url": "https://x.com/wallet"}}}, http.StatusOK, nil)
		want("official_channels", true)
		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		want("invite_agents", true)
		s.JSON(t, "PATCH", "/api/v1/setup", s.AdminToken, map[string]bool{"snippet_copied": true}, http.StatusOK, &a)
		if !a.done()["widget_snippet"] {
			t.Fatalf("after copying the snippet: %+v", a)
		}

		// The admin's own two-factor sign-in: the token's admin has none.
		want("two_factor", false)
		admin := s.CreateAdmin(t, "boss@example.com", "Boss")
		sess := s.LoginAgent(t, admin)
		st, body := s.DoSession(t, "GET", "/api/v1/setup", sess, "", nil)
		if st != http.StatusOK || json.Unmarshal(body, &a) != nil || !a.done()["two_factor"] || !a.Done {
			t.Fatalf("an enrolled admin's checklist: %d %s", st, body)
		}

		s.JSON(t, "PATCH", "/api/v1/setup", s.AdminToken, map[string]bool{"dismissed": true}, http.StatusOK, &a)
		if !a.Dismissed {
			t.Fatalf("after dismissing: %+v", a)
		}
		s.JSON(t, "PATCH", "/api/v1/setup", s.AdminToken, map[string]bool{"dismissed": false}, http.StatusOK, &a)
		if a.Dismissed {
			t.Fatalf("after bringing it back: %+v", a)
		}

		for _, body := range []any{map[string]any{}, map[string]bool{"snippet_copied": false}, map[string]string{"dismissed": "yes"}} {
			if st, b := s.Do(t, "PATCH", "/api/v1/setup", s.AdminToken, body); st != http.StatusBadRequest {
				t.Errorf("PATCH %v: %d %s, want 400", body, st, b)
			}
		}
		if st, _ := s.Do(t, "GET", "/api/v1/setup", agent.Token, nil); st != http.StatusForbidden {
			t.Errorf("an agent reads the checklist: %d, want 403", st)
		}
	})
}

// An admin reveals and rotates an inbox's HMAC secret; both are audited
// without the secret, the new one signs users and the old one stops.
func TestInboxSecretRevealRotate(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		var sec struct {
			HMACSecret string `json:"hmac_secret"`
		}
		base := "/api/v1/inboxes/" + s.InboxID + "/secret/"
		s.JSON(t, "POST", base+"reveal", s.AdminToken, nil, http.StatusOK, &sec)
		old := sec.HMACSecret
		start := func(secret string) int {
			st, _ := s.Do(t, "POST", "/api/v1/widget/"+s.InboxKey+"/conversations", "",
				map[string]string{"user_id": "u-42", "user_hash": auth.UserHash(secret, "u-42")})
			return st
		}
		if len(old) < 32 {
			t.Fatalf("revealed secret %q", old)
		}
		if st := start(old); st != http.StatusCreated {
			t.Fatalf("identified user signed with the revealed secret: %d", st)
		}

		s.JSON(t, "POST", base+"rotate", s.AdminToken, nil, http.StatusOK, &sec)
		if sec.HMACSecret == old || len(sec.HMACSecret) < 32 {
			t.Fatalf("rotated secret %q (old %q)", sec.HMACSecret, old)
		}
		if st := start(old); st != http.StatusUnauthorized {
			t.Errorf("the old secret after rotating: %d, want 401", st)
		}
		if st := start(sec.HMACSecret); st != http.StatusCreated {
			t.Errorf("the new secret: %d, want 201", st)
		}
		var again struct {
			HMACSecret string `json:"hmac_secret"`
		}
		s.JSON(t, "POST", base+"reveal", s.AdminToken, nil, http.StatusOK, &again)
		if again.HMACSecret != sec.HMACSecret {
			t.Errorf("reveal after rotating: %q, want %q", again.HMACSecret, sec.HMACSecret)
		}

		for _, action := range []string{"reveal", "rotate"} {
			if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_type = 'inbox' AND target_id = ?",
				"POST /api/v1/inboxes/{id}/secret/"+action, s.InboxID); n == 0 {
				t.Errorf("no audit entry for the %s", action)
			}
		}
		for _, secret := range []string{old, sec.HMACSecret} {
			if n := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE details LIKE ?", "%"+secret+"%"); n != 0 {
				t.Errorf("the audit log holds a secret")
			}
		}

		req := s.NewRequest(t, "POST", base+"reveal", nil)
		req.Header.Set("Authorization", "Bearer "+s.AdminToken)
		resp, _ := s.RoundTrip(t, req)
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("reveal's Cache-Control %q, want no-store", cc)
		}
		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		for _, action := range []string{"reveal", "rotate"} {
			if st, _ := s.Do(t, "POST", base+action, agent.Token, nil); st != http.StatusForbidden {
				t.Errorf("an agent may %s: %d, want 403", action, st)
			}
		}
		if st, _ := s.Do(t, "POST", "/api/v1/inboxes/in_nope/secret/reveal", s.AdminToken, nil); st != http.StatusNotFound {
			t.Errorf("unknown inbox: %d, want 404", st)
		}
	})
}
