package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

type agentJSON struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
}

type teamJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	MemberIDs []string `json:"member_ids"`
}

func TestAdminRoutesNeedAdmin(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		super := s.CreateAgent(t, "sun@example.com", "Sun", "supervisor")
		var team teamJSON
		s.JSON(t, "POST", "/api/v1/teams", s.AdminToken, map[string]string{"name": "Payments"}, http.StatusCreated, &team)
		before := s.Snapshot(t)
		for _, tok := range []string{agent.Token, super.Token} {
			for _, rq := range []struct {
				method, path string
				body         any
			}{
				{"PATCH", "/api/v1/agents/" + agent.ID, map[string]any{"role": "admin"}},
				{"PATCH", "/api/v1/agents/" + s.AdminID, map[string]any{"active": false}},
				{"POST", "/api/v1/teams/" + team.ID + "/members", map[string]string{"agent_id": agent.ID}},
				{"DELETE", "/api/v1/teams/" + team.ID + "/members/" + agent.ID, nil},
			} {
				status, body := s.Do(t, rq.method, rq.path, tok, rq.body)
				if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
					t.Errorf("%s %s as a non-admin: %d %s", rq.method, rq.path, status, body)
				}
			}
		}
		s.AssertNothingWritten(t, before)
		var a agentJSON
		s.JSON(t, "GET", "/api/v1/me", agent.Token, nil, http.StatusOK, &a)
		if a.Role != "agent" || !a.Active {
			t.Fatalf("agent changed by refused requests: %+v", a)
		}
	})
}

func TestPatchAgent(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		path := "/api/v1/agents/" + mei.ID

		var a agentJSON
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"name": "  Mei Lin ", "role": "supervisor"}, http.StatusOK, &a)
		if a.ID != mei.ID || a.Name != "Mei Lin" || a.Role != "supervisor" || !a.Active || a.Email != mei.Email {
			t.Fatalf("after rename and promotion: %+v", a)
		}
		// Partial: only what is sent changes.
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"active": false}, http.StatusOK, &a)
		if a.Name != "Mei Lin" || a.Role != "supervisor" || a.Active {
			t.Fatalf("after deactivation: %+v", a)
		}
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"active": true}, http.StatusOK, &a)
		if !a.Active {
			t.Fatalf("after reactivation: %+v", a)
		}
		// The deactivation revoked her tokens for good; a new one works.
		if status, _ := s.Do(t, "GET", "/api/v1/me", mei.Token, nil); status != http.StatusUnauthorized {
			t.Fatalf("a token from before the deactivation: %d, want 401", status)
		}
		fresh, _, err := s.App.Auth.CreateToken(context.Background(), mei.ID, "after", auth.ScopeRead, 0)
		if err != nil {
			t.Fatal(err)
		}
		s.JSON(t, "GET", "/api/v1/me", fresh, nil, http.StatusOK, &a)
		if a.Name != "Mei Lin" || a.Role != "supervisor" {
			t.Fatalf("GET /me after the changes: %+v", a)
		}

		for _, tc := range []struct {
			name, path string
			body       any
			status     int
			code, says string
		}{
			{"blank name", path, map[string]any{"name": " "}, 400, "invalid", "name"},
			{"unknown role", path, map[string]any{"role": "owner"}, 400, "invalid", "role"},
			{"active not a boolean", path, map[string]any{"active": "no"}, 400, "invalid", "active"},
			{"unknown agent", "/api/v1/agents/ag_nope", map[string]any{"name": "X"}, 404, "not_found", "ag_nope"},
			{"admin deactivates self", "/api/v1/agents/" + s.AdminID, map[string]any{"active": false}, 400, "invalid", "cannot deactivate yourself"},
			{"admin demotes self", "/api/v1/agents/" + s.AdminID, map[string]any{"role": "supervisor"}, 400, "invalid", "cannot remove your own admin role"},
		} {
			status, body := s.Do(t, "PATCH", tc.path, s.AdminToken, tc.body)
			if status != tc.status || apptest.ErrorCode(t, body) != tc.code || !strings.Contains(string(body), tc.says) {
				t.Errorf("%s: %d %s, want %d %s mentioning %q", tc.name, status, body, tc.status, tc.code, tc.says)
			}
		}
		// The admin is untouched, and may still rename themselves.
		s.JSON(t, "PATCH", "/api/v1/agents/"+s.AdminID, s.AdminToken, map[string]any{"name": "Boss", "role": "admin", "active": true}, http.StatusOK, &a)
		if a.Name != "Boss" || a.Role != "admin" || !a.Active {
			t.Fatalf("admin after self-rename: %+v", a)
		}
		// A second admin may demote the first.
		other := s.CreateAgent(t, "root@example.com", "Root", "admin")
		s.JSON(t, "PATCH", "/api/v1/agents/"+s.AdminID, other.Token, map[string]any{"role": "agent"}, http.StatusOK, &a)
		if a.Role != "agent" {
			t.Fatalf("admin demoted by another admin: %+v", a)
		}
	})
}

func TestTeamMembers(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		var team, empty teamJSON
		s.JSON(t, "POST", "/api/v1/teams", s.AdminToken, map[string]string{"name": "Payments"}, http.StatusCreated, &team)
		if team.MemberIDs == nil || len(team.MemberIDs) != 0 {
			t.Fatalf("new team member_ids = %#v, want []", team.MemberIDs)
		}
		s.JSON(t, "POST", "/api/v1/teams", s.AdminToken, map[string]string{"name": "KYC"}, http.StatusCreated, &empty)
		members := "/api/v1/teams/" + team.ID + "/members"
		for range 2 { // idempotent
			for _, id := range []string{mei.ID, s.AdminID} {
				if status, body := s.Do(t, "POST", members, s.AdminToken, map[string]string{"agent_id": id}); status != http.StatusNoContent {
					t.Fatalf("add member %s: %d %s", id, status, body)
				}
			}
		}
		teams := func() map[string][]string {
			var l struct {
				Teams []teamJSON `json:"teams"`
			}
			s.JSON(t, "GET", "/api/v1/teams", mei.Token, nil, http.StatusOK, &l)
			out := map[string][]string{}
			for _, tm := range l.Teams {
				if tm.MemberIDs == nil {
					t.Fatalf("team %s: member_ids is null", tm.Name)
				}
				out[tm.ID] = tm.MemberIDs
			}
			return out
		}
		want := []string{mei.ID, s.AdminID}
		slices.Sort(want)
		if got := teams(); !slices.Equal(got[team.ID], want) || len(got[empty.ID]) != 0 {
			t.Fatalf("teams after adding = %v, want %s: %v", got, team.ID, want)
		}
		for range 2 { // idempotent
			if status, body := s.Do(t, "DELETE", members+"/"+mei.ID, s.AdminToken, nil); status != http.StatusNoContent {
				t.Fatalf("remove member: %d %s", status, body)
			}
		}
		if got := teams(); !slices.Equal(got[team.ID], []string{s.AdminID}) {
			t.Fatalf("teams after removing = %v", got)
		}

		for _, tc := range []struct {
			name, method, path string
			body               any
			status             int
			code               string
		}{
			{"unknown team", "POST", "/api/v1/teams/tm_nope/members", map[string]string{"agent_id": mei.ID}, 404, "not_found"},
			{"unknown agent", "POST", members, map[string]string{"agent_id": "ag_nope"}, 400, "invalid"},
			{"no agent_id", "POST", members, map[string]string{}, 400, "invalid"},
			{"no body", "POST", members, nil, 400, "malformed_json"},
			{"remove from unknown team", "DELETE", "/api/v1/teams/tm_nope/members/" + mei.ID, nil, 404, "not_found"},
		} {
			status, body := s.Do(t, tc.method, tc.path, s.AdminToken, tc.body)
			if status != tc.status || apptest.ErrorCode(t, body) != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, status, body, tc.status, tc.code)
			}
		}
	})
}
