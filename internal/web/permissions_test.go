package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/web"
)

// minimumRole is THE permission table: every route of the route table
// ("METHOD PATH" exactly as registered) and the least privilege that may
// call it. "public" needs nothing; "contact" needs a contact token; the
// roles are agent < supervisor < admin. Add a line here with every new
// route: TestPermissionTable fails for a route without one.
var minimumRole = map[string]string{
	"GET /healthz":             "public",
	"GET /readyz":              "public",
	"GET /api/v1/openapi.json": "public",

	"POST /api/v1/widget/{inbox_key}/conversations":                     "public",
	"POST /api/v1/widget/conversations/{id}/messages":                   "contact",
	"GET /api/v1/widget/conversations/{id}/messages":                    "contact",
	"POST /api/v1/widget/conversations/{id}/attachments":                "contact",
	"GET /api/v1/widget/conversations/{id}/attachments/{attachment_id}": "contact",
	"GET /ws/contact": "contact",
	"POST /api/v1/widget/conversations/{id}/bot-feedback":        "contact",
	"PATCH /api/v1/widget/conversations/{id}":                    "contact",
	"GET /api/v1/public/official-channels":                       "public",
	"POST /api/v1/session":                                       "public",
	"GET /api/v1/session":                                        "public",
	"DELETE /api/v1/session":                                     "public",
	"GET /api/v1/me":                                             "agent",
	"PATCH /api/v1/me":                                           "agent",
	"PUT /api/v1/me/avatar":                                      "agent",
	"DELETE /api/v1/me/avatar":                                   "agent",
	"GET /api/v1/agents/{id}/avatar":                             "agent",
	"GET /api/v1/conversations/{id}/visitor":                     "agent",
	"POST /api/v1/me/password":                                   "agent",
	"POST /api/v1/me/totp":                                       "agent",
	"POST /api/v1/me/totp/confirm":                               "agent",
	"DELETE /api/v1/me/totp":                                     "agent",
	"GET /api/v1/conversations":                                  "agent",
	"GET /api/v1/conversations/counts":                           "agent",
	"GET /api/v1/conversations/{id}":                             "agent",
	"PATCH /api/v1/conversations/{id}":                           "agent",
	"GET /api/v1/conversations/{id}/messages":                    "agent",
	"POST /api/v1/conversations/{id}/messages":                   "agent",
	"POST /api/v1/conversations/{id}/attachments":                "agent",
	"GET /api/v1/conversations/{id}/attachments/{attachment_id}": "agent",
	"POST /api/v1/conversations/{id}/typing":                     "agent",
	"GET /api/v1/contacts/{id}":                                  "agent",
	"PATCH /api/v1/contacts/{id}":                                "agent",
	"GET /api/v1/contacts/{id}/export":                           "admin",
	"DELETE /api/v1/contacts/{id}":                               "admin",
	"GET /api/v1/inboxes":                                        "agent",
	"POST /api/v1/inboxes":                                       "admin",
	"PATCH /api/v1/inboxes/{id}":                                 "admin",
	"POST /api/v1/inboxes/{id}/secret/reveal":                    "admin",
	"POST /api/v1/inboxes/{id}/secret/rotate":                    "admin",
	"GET /api/v1/setup":                                          "admin",
	"PATCH /api/v1/setup":                                        "admin",
	"GET /api/v1/conversations/{id}/bot-decisions":               "agent",
	"GET /api/v1/bot/unanswered":                                 "supervisor",
	"GET /api/v1/agents":                                         "agent",
	"POST /api/v1/agents":                                        "admin",
	"PATCH /api/v1/agents/{id}":                                  "admin",
	"PATCH /api/v1/teams/{id}":                                   "admin",
	"GET /api/v1/routing/queues":                                 "supervisor",
	"GET /api/v1/me/presence":                                    "agent",
	"PUT /api/v1/me/presence":                                    "agent",
	"GET /api/v1/widget/conversations/{id}/queue":                "contact",
	"GET /api/v1/tokens":                                         "agent",
	"DELETE /api/v1/tokens/{id}":                                 "agent",
	"GET /api/v1/teams":                                          "agent",
	"POST /api/v1/teams":                                         "admin",
	"POST /api/v1/teams/{id}/members":                            "admin",
	"DELETE /api/v1/teams/{id}/members/{agent_id}":               "admin",
	"GET /api/v1/canned_replies":                                 "agent",
	"POST /api/v1/canned_replies":                                "agent",
	"PATCH /api/v1/canned_replies/{id}":                          "agent",
	"DELETE /api/v1/canned_replies/{id}":                         "agent",
	"GET /api/v1/kb/articles":                                    "agent",
	"GET /api/v1/kb/articles/{locale}/{id}":                      "agent",
	"PUT /api/v1/kb/articles/{locale}/{id}":                      "supervisor",
	"DELETE /api/v1/kb/articles/{locale}/{id}":                   "supervisor",
	"GET /api/v1/public/kb/articles":                             "public",
	"GET /api/v1/public/kb/search":                               "public",
	"POST /api/v1/public/kb/articles/{locale}/{id}/votes":        "public",
	"GET /api/v1/config/explorers":                               "agent",
	"PUT /api/v1/official-channels":                              "admin",
	"GET /api/v1/audit":                                          "admin",
	"GET /api/v1/audit/export":                                   "admin",
	"GET /ws/agent":                                              "agent",
}

var accessName = map[web.Access]string{
	web.Public: "public", web.Contact: "contact", web.Agent: "agent", web.Supervisor: "supervisor", web.Admin: "admin",
}

var roleRank = map[string]int{"agent": 1, "supervisor": 2, "admin": 3}

func registeredRoutes() []web.Route {
	return web.New(web.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Routes()
}

// TestPermissionTable checks that the table covers exactly the route
// table, and agrees with each route's access level.
func TestPermissionTable(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range registeredRoutes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		want, ok := minimumRole[key]
		if !ok {
			t.Errorf("route %s has no entry in minimumRole (permissions_test.go): add its minimum role", key)
			continue
		}
		if got := accessName[rt.Access]; got != want {
			t.Errorf("route %s: the route table says %q, the permission table %q", key, got, want)
		}
	}
	var stale []string
	for key := range minimumRole {
		if !seen[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("minimumRole lists %s, which is not a registered route", key)
	}
}

// TestPermissionsEveryRoute calls every registered route as nobody, a
// contact, an agent, a supervisor and an admin with two-factor sign-in,
// and checks the status class against the permission table: 401 without
// credentials, 403 below the minimum role, neither at or above it (and
// never a 5xx).
func TestPermissionsEveryRoute(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, contactTok := s.StartConversation(t)
		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		super := s.CreateAgent(t, "sun@example.com", "Sun", "supervisor")
		admin := s.CreateAdmin(t, "root@example.com", "Root")
		sessions := []struct {
			role string
			sess *apptest.Session
		}{
			{"agent", s.Login(t, agent.Email, agent.Password)},
			{"supervisor", s.Login(t, super.Email, super.Password)},
			{"admin", s.LoginAgent(t, admin)},
		}
		pathFor := func(p string) string {
			r := strings.NewReplacer("{inbox_key}", s.InboxKey, "{attachment_id}", "at_none", "{agent_id}", "ag_none")
			p = r.Replace(p)
			if strings.Contains(p, "/conversations/{id}") {
				return strings.Replace(p, "{id}", conv, 1)
			}
			return strings.Replace(p, "{id}", "xx_none", 1)
		}
		call := func(rt web.Route, token string, sess *apptest.Session) (int, []byte) {
			t.Helper()
			var body any
			if rt.Method != "GET" {
				body = map[string]any{}
			}
			req := s.NewRequest(t, rt.Method, pathFor(rt.Path), body)
			req.Header.Set("Origin", s.URL) // WebSocket upgrades with a cookie must come from the console
			if sess != nil {
				req.AddCookie(sess.Cookie)
				req.Header.Set("X-CSRF-Token", sess.CSRFToken)
			}
			return s.DoRequest(t, req, token)
		}
		for _, rt := range registeredRoutes() {
			key := rt.Method + " " + rt.Path
			min, ok := minimumRole[key]
			if !ok {
				continue // reported by TestPermissionTable
			}
			check := func(who string, st int, body []byte, want string) {
				t.Helper()
				bad := st >= 500
				switch want {
				case "401":
					bad = bad || st != http.StatusUnauthorized
				case "403":
					bad = bad || st != http.StatusForbidden
				case "denied":
					bad = bad || (st != http.StatusUnauthorized && st != http.StatusForbidden)
				case "denied_or_upgrade":
					// 426: the WebSocket handler asks for the contact token
					// in the first frame of an upgraded connection.
					bad = bad || (st != http.StatusUnauthorized && st != http.StatusForbidden && st != http.StatusUpgradeRequired)
				case "allowed":
					bad = bad || st == http.StatusUnauthorized || st == http.StatusForbidden
				}
				if bad {
					t.Errorf("%s as %s: status %d, want %s (minimum %s); body %.200s", key, who, st, want, min, body)
				}
			}
			st, body := call(rt, "", nil)
			switch {
			case min == "public":
				if st == http.StatusForbidden || st >= 500 {
					t.Errorf("%s (public) without credentials: %d %.200s", key, st, body)
				}
				continue // sessions are not sent to public routes: DELETE /api/v1/session would sign them out
			case rt.Path == "/ws/contact":
				// Without a token in the query, the WebSocket handler reads
				// it from the first frame; a plain GET is not an upgrade.
				check("nobody", st, body, "denied_or_upgrade")
			default:
				check("nobody", st, body, "401")
			}
			st, body = call(rt, contactTok, nil)
			if min == "contact" {
				check("contact", st, body, "allowed")
			} else {
				check("contact", st, body, "403")
			}
			for _, c := range sessions {
				st, body := call(rt, "", c.sess)
				switch {
				case rt.Path == "/ws/contact":
					check(c.role, st, body, "denied_or_upgrade")
				case min == "contact":
					check(c.role, st, body, "denied")
				case roleRank[c.role] >= roleRank[min]:
					check(c.role, st, body, "allowed")
				default:
					check(c.role, st, body, "403")
				}
			}
		}
	})
}
