package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
)

// routedAgent is an agent as GET /api/v1/agents and PATCH answer it, with
// routing's fields.
type routedAgent struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Presence string   `json:"presence"`
	Capacity int      `json:"capacity"`
	Skills   []string `json:"skills"`
	Load     int      `json:"load"`
}

type presenceAnswer struct {
	Status string `json:"status"`
	Since  string `json:"since"`
}

type queueView struct {
	TeamID             string  `json:"team_id"`
	Name               string  `json:"name"`
	Waiting            int     `json:"waiting"`
	LongestWaitSeconds int     `json:"longest_wait_seconds"`
	AgentsOnline       int     `json:"agents_online"`
	FreeCapacity       int     `json:"free_capacity"`
	Open               bool    `json:"open"`
	OpensAt            *string `json:"opens_at"`
}

type queuesAnswer struct {
	Queues []queueView `json:"queues"`
	Agents []struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Presence string   `json:"presence"`
		Capacity int      `json:"capacity"`
		Load     int      `json:"load"`
		Skills   []string `json:"skills"`
		TeamIDs  []string `json:"team_ids"`
	} `json:"agents"`
}

// routingWait bounds how long the routing stage may take to queue or
// assign on a slow, shared machine; it works within milliseconds.
const routingWait = 20 * time.Second

// eventually polls cond every 50 ms until it holds, failing t with what
// after routingWait.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(routingWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", routingWait, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func routedAgents(t *testing.T, s *apptest.Server, token string) map[string]routedAgent {
	t.Helper()
	var l struct {
		Agents []routedAgent `json:"agents"`
	}
	s.JSON(t, "GET", "/api/v1/agents", token, nil, http.StatusOK, &l)
	out := map[string]routedAgent{}
	for _, a := range l.Agents {
		out[a.ID] = a
	}
	return out
}

func queuesOf(t *testing.T, s *apptest.Server, token string) queuesAnswer {
	t.Helper()
	var q queuesAnswer
	s.JSON(t, "GET", "/api/v1/routing/queues", token, nil, http.StatusOK, &q)
	return q
}

func queueOf(t *testing.T, s *apptest.Server, team string) queueView {
	t.Helper()
	for _, q := range queuesOf(t, s, s.AdminToken).Queues {
		if q.TeamID == team {
			return q
		}
	}
	t.Fatalf("no queue for team %q in GET /api/v1/routing/queues", team)
	return queueView{}
}

// wantInvalid checks a 400 invalid answer that mentions says.
func wantInvalid(t *testing.T, name string, status int, body []byte, says string) {
	t.Helper()
	if status != http.StatusBadRequest || apptest.ErrorCode(t, body) != "invalid" || !strings.Contains(string(body), says) {
		t.Errorf("%s: %d %s, want 400 invalid mentioning %q", name, status, body, says)
	}
}

func TestPresenceRoundTrip(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		var p presenceAnswer
		s.JSON(t, "GET", "/api/v1/me/presence", mei.Token, nil, http.StatusOK, &p)
		if p.Status != "offline" {
			t.Fatalf("a new agent's presence = %+v, want offline", p)
		}
		ws := s.DialWS(t, "/ws/agent", s.AdminToken)
		for _, status := range []string{"online", "away", "offline", "online"} {
			var put, got presenceAnswer
			s.JSON(t, "PUT", "/api/v1/me/presence", mei.Token, map[string]string{"status": status}, http.StatusOK, &put)
			s.JSON(t, "GET", "/api/v1/me/presence", mei.Token, nil, http.StatusOK, &got)
			since, err := time.Parse(time.RFC3339, put.Since)
			if put.Status != status || got != put || err != nil || time.Since(since) > time.Minute {
				t.Fatalf("PUT %s answered %+v, GET %+v (since: %v)", status, put, got, err)
			}
			if a := routedAgents(t, s, s.AdminToken)[mei.ID]; a.Presence != status {
				t.Fatalf("GET /api/v1/agents after PUT %s: %+v", status, a)
			}
			ev := nextEvent(t, ws, "agent.presence")
			var pe struct {
				AgentID string `json:"agent_id"`
				Status  string `json:"status"`
				Since   string `json:"since"`
				Auto    *bool  `json:"auto"`
			}
			if err := json.Unmarshal(ev.Payload, &pe); err != nil || pe.AgentID != mei.ID || pe.Status != status ||
				pe.Auto == nil || *pe.Auto || pe.Since == "" {
				t.Fatalf("agent.presence event after PUT %s: %s (%v)", status, ev.Payload, err)
			}
		}

		// Refused changes leave the presence, and its since, as they were.
		var before presenceAnswer
		s.JSON(t, "GET", "/api/v1/me/presence", mei.Token, nil, http.StatusOK, &before)
		for _, tc := range []struct {
			name string
			body any
			code string
		}{
			{"unknown status", `{"status":"busy"}`, "invalid"},
			{"empty status", `{"status":""}`, "invalid"},
			{"status not a string", `{"status":1}`, "invalid"},
			{"malformed JSON", `{"status":`, "malformed_json"},
			{"no body", nil, "malformed_json"},
		} {
			status, body := s.Do(t, "PUT", "/api/v1/me/presence", mei.Token, tc.body)
			if status != http.StatusBadRequest || apptest.ErrorCode(t, body) != tc.code {
				t.Errorf("%s: %d %s, want 400 %s", tc.name, status, body, tc.code)
			}
		}
		var after presenceAnswer
		s.JSON(t, "GET", "/api/v1/me/presence", mei.Token, nil, http.StatusOK, &after)
		if after != before || after.Status != "online" {
			t.Fatalf("presence after refused changes = %+v, want %+v", after, before)
		}
		if status, _ := s.Do(t, "PUT", "/api/v1/me/presence", "", map[string]string{"status": "online"}); status != http.StatusUnauthorized {
			t.Fatalf("PUT /api/v1/me/presence without a token: %d, want 401", status)
		}
	})
}

func TestRoutingPatchAgentCapacityAndSkills(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		super := s.CreateAgent(t, "sun@example.com", "Sun", "supervisor")
		path := "/api/v1/agents/" + mei.ID
		if a := routedAgents(t, s, mei.Token)[mei.ID]; a.Capacity != 5 || a.Skills == nil || len(a.Skills) != 0 ||
			a.Presence != "offline" || a.Load != 0 {
			t.Fatalf("a new agent's routing = %+v, want capacity 5, skills [], offline, load 0", a)
		}

		var a routedAgent
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"capacity": 2, "skills": []string{" zh ", "English", "TRON", "zh-CN", "tron", "refunds"}},
			http.StatusOK, &a)
		wantSkills := []string{"en", "refunds", "tron", "zh-CN"}
		if a.ID != mei.ID || a.Name != "Mei" || a.Capacity != 2 || !slices.Equal(a.Skills, wantSkills) {
			t.Fatalf("PATCH capacity and skills answered %+v, want capacity 2, skills %v", a, wantSkills)
		}
		if got := routedAgents(t, s, s.AdminToken)[mei.ID]; got.Capacity != 2 || !slices.Equal(got.Skills, wantSkills) {
			t.Fatalf("GET /api/v1/agents after PATCH: %+v", got)
		}
		// Partial: capacity alone leaves the skills; 0 is allowed (never
		// assigned automatically), and so is 100.
		for _, c := range []int{0, 100, 2} {
			s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"capacity": c}, http.StatusOK, &a)
			if a.Capacity != c || !slices.Equal(a.Skills, wantSkills) {
				t.Fatalf("PATCH capacity %d answered %+v", c, a)
			}
		}

		many := make([]string, 31)
		for i := range many {
			many[i] = fmt.Sprintf("chain-%d", i)
		}
		for _, tc := range []struct {
			name string
			body any
			says string
		}{
			{"capacity -1", map[string]any{"name": "New", "capacity": -1}, "capacity"},
			{"capacity 101", map[string]any{"name": "New", "capacity": 101}, "capacity"},
			{"capacity a string", map[string]any{"name": "New", "capacity": "x"}, "capacity"},
			{"capacity a fraction", map[string]any{"name": "New", "capacity": 1.5}, "capacity"},
			{"a skill with a comma", map[string]any{"name": "New", "skills": []string{"en", "tron,eth"}}, "tron,eth"},
			{"a skill with a line break", map[string]any{"role": "supervisor", "skills": []string{"a\nb"}}, "skill"},
			{"a skill too long", map[string]any{"name": "New", "skills": []string{strings.Repeat("x", 51)}}, "skill"},
			{"31 skills", map[string]any{"name": "New", "active": false, "skills": many}, "30 skills"},
			{"skills not a list", map[string]any{"name": "New", "skills": "en"}, "skills"},
		} {
			before := s.Snapshot(t)
			status, body := s.Do(t, "PATCH", path, s.AdminToken, tc.body)
			wantInvalid(t, tc.name, status, body, tc.says)
			s.AssertNothingWritten(t, before)
			if got := routedAgents(t, s, s.AdminToken)[mei.ID]; got.Name != "Mei" || got.Role != "agent" || got.Capacity != 2 ||
				!slices.Equal(got.Skills, wantSkills) {
				t.Fatalf("%s changed the agent: %+v", tc.name, got)
			}
		}
		// 30 distinct skills are fine; an empty list clears them.
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"skills": many[:30]}, http.StatusOK, &a)
		if len(a.Skills) != 30 {
			t.Fatalf("30 skills answered %v", a.Skills)
		}
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"skills": []string{}, "name": "Mei Lin"}, http.StatusOK, &a)
		if a.Skills == nil || len(a.Skills) != 0 || a.Name != "Mei Lin" || a.Capacity != 2 {
			t.Fatalf("clearing skills with a rename answered %+v", a)
		}

		before := s.Snapshot(t)
		for _, tok := range []string{mei.Token, super.Token} {
			status, body := s.Do(t, "PATCH", path, tok, map[string]any{"capacity": 9})
			if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
				t.Errorf("PATCH capacity as a non-admin: %d %s, want 403 forbidden", status, body)
			}
		}
		status, body := s.Do(t, "PATCH", "/api/v1/agents/ag_nope", s.AdminToken, map[string]any{"capacity": 3, "skills": []string{"en"}})
		if status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
			t.Errorf("PATCH an unknown agent: %d %s, want 404 not_found", status, body)
		}
		s.AssertNothingWritten(t, before)
		if got := routedAgents(t, s, s.AdminToken)[mei.ID]; got.Capacity != 2 {
			t.Fatalf("refused PATCHes changed the capacity: %+v", got)
		}
	})
}

// routedTeam is a team as GET /api/v1/teams and PATCH answer it.
type routedTeam struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	MemberIDs            []string            `json:"member_ids"`
	Routing              string              `json:"routing"`
	TimeZone             string              `json:"timezone"`
	Hours                map[string][]string `json:"hours"`
	Holidays             []string            `json:"holidays"`
	OverflowTeamID       *string             `json:"overflow_team_id"`
	OverflowAfterMinutes int                 `json:"overflow_after_minutes"`
}

func createTeam(t *testing.T, s *apptest.Server, name string) routedTeam {
	t.Helper()
	var tm routedTeam
	s.JSON(t, "POST", "/api/v1/teams", s.AdminToken, map[string]string{"name": name}, http.StatusCreated, &tm)
	return tm
}

// teamsBody is GET /api/v1/teams as raw bytes, to prove a refused change
// left every team as it was.
func teamsBody(t *testing.T, s *apptest.Server) []byte {
	t.Helper()
	status, b := s.Do(t, "GET", "/api/v1/teams", s.AdminToken, nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/teams: %d %s", status, b)
	}
	return b
}

func TestRoutingPatchTeam(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		super := s.CreateAgent(t, "sun@example.com", "Sun", "supervisor")
		pay, kyc := createTeam(t, s, "Payments"), createTeam(t, s, "KYC")
		readBack := func() routedTeam {
			t.Helper()
			var l struct {
				Teams []routedTeam `json:"teams"`
			}
			s.JSON(t, "GET", "/api/v1/teams", mei.Token, nil, http.StatusOK, &l)
			for _, tm := range l.Teams {
				if tm.ID == pay.ID {
					return tm
				}
			}
			t.Fatalf("team %s missing from GET /api/v1/teams", pay.ID)
			return routedTeam{}
		}
		if fresh := readBack(); fresh.Routing != "least_loaded" || fresh.TimeZone != "UTC" || fresh.Hours != nil || fresh.Holidays == nil ||
			len(fresh.Holidays) != 0 || fresh.OverflowTeamID != nil || fresh.OverflowAfterMinutes != 0 {
			t.Fatalf("a new team's routing = %+v, want least_loaded, UTC, always open, no overflow", fresh)
		}
		path := "/api/v1/teams/" + pay.ID

		var got routedTeam
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{
			"name": " Payments CN ", "routing": "round_robin", "timezone": "Asia/Shanghai",
			"hours":            map[string][]string{"mon": {"13:00-18:00", "09:00-12:00"}, "fri": {"09:00-24:00"}, "sat": {"00:00-02:00"}},
			"holidays":         []string{"2026-10-02", "2026-10-01", "2026-10-01"},
			"overflow_team_id": kyc.ID, "overflow_after_minutes": 15,
		}, http.StatusOK, &got)
		want := routedTeam{ID: pay.ID, Name: "Payments CN", MemberIDs: []string{}, Routing: "round_robin", TimeZone: "Asia/Shanghai",
			Hours:    map[string][]string{"mon": {"09:00-12:00", "13:00-18:00"}, "fri": {"09:00-24:00"}, "sat": {"00:00-02:00"}},
			Holidays: []string{"2026-10-01", "2026-10-02"}, OverflowTeamID: &kyc.ID, OverflowAfterMinutes: 15}
		checkTeam := func(what string, got routedTeam) {
			t.Helper()
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if !bytes.Equal(g, w) {
				t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
			}
		}
		checkTeam("PATCH answer", got)
		checkTeam("GET /api/v1/teams", readBack())

		// Partial: only what is sent changes.
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"routing": "manual"}, http.StatusOK, &got)
		want.Routing = "manual"
		checkTeam("after routing alone", got)
		// "hours": null is open around the clock; holidays and zone stay.
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"hours": nil}, http.StatusOK, &got)
		want.Hours = nil
		checkTeam("after hours null", got)
		checkTeam("GET after hours null", readBack())
		if !strings.Contains(string(teamsBody(t, s)), `"hours":null`) {
			t.Fatalf("GET /api/v1/teams does not show \"hours\":null: %s", teamsBody(t, s))
		}
		// "overflow_team_id": null turns overflow off.
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"overflow_team_id": nil, "overflow_after_minutes": 0}, http.StatusOK, &got)
		want.OverflowTeamID, want.OverflowAfterMinutes = nil, 0
		checkTeam("after overflow off", got)
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"holidays": []string{}, "timezone": "America/New_York"}, http.StatusOK, &got)
		want.Holidays, want.TimeZone = []string{}, "America/New_York"
		checkTeam("after clearing holidays", got)

		for _, tc := range []struct {
			name string
			body any
			says string
		}{
			{"bad mode", map[string]any{"routing": "random"}, "random"},
			{"unknown time zone", map[string]any{"timezone": "Mars/Olympus"}, "Mars/Olympus"},
			{"Local as a zone", map[string]any{"timezone": "Local"}, "Local"},
			{"a 9-18 span", map[string]any{"hours": map[string][]string{"mon": {"9-18"}}}, "9-18"},
			{"a span ending before it starts", map[string]any{"hours": map[string][]string{"tue": {"18:00-09:00"}}}, "18:00-09:00"},
			{"an unknown day", map[string]any{"hours": map[string][]string{"monday": {"09:00-18:00"}}}, "monday"},
			{"a bad holiday", map[string]any{"holidays": []string{"2026-10-01", "2026-13-01"}}, "2026-13-01"},
			{"a holiday not a date", map[string]any{"holidays": []string{"National Day"}}, "National Day"},
			{"overflow to itself", map[string]any{"overflow_team_id": pay.ID, "overflow_after_minutes": 10}, "itself"},
			{"overflow to an unknown team", map[string]any{"overflow_team_id": "tm_nope", "overflow_after_minutes": 10}, "tm_nope"},
			{"negative overflow minutes", map[string]any{"overflow_team_id": kyc.ID, "overflow_after_minutes": -1}, "overflow_after_minutes"},
			{"hours not an object", map[string]any{"hours": "always"}, "hours"},
			// A good routing change beside a bad one is not written either.
			{"good mode, bad zone", map[string]any{"routing": "least_loaded", "timezone": "Nowhere"}, "Nowhere"},
			{"good name, bad mode", map[string]any{"name": "Renamed", "routing": "random"}, "random"},
		} {
			before, snap := teamsBody(t, s), s.Snapshot(t)
			status, body := s.Do(t, "PATCH", path, s.AdminToken, tc.body)
			wantInvalid(t, tc.name, status, body, tc.says)
			if after := teamsBody(t, s); !bytes.Equal(before, after) {
				t.Errorf("%s changed the teams:\n%s\n→ %s", tc.name, before, after)
			}
			s.AssertNothingWritten(t, snap)
		}

		status, body := s.Do(t, "PATCH", path, s.AdminToken, `{"routing":`)
		if status != http.StatusBadRequest || apptest.ErrorCode(t, body) != "malformed_json" {
			t.Errorf("malformed JSON: %d %s, want 400 malformed_json", status, body)
		}
		status, body = s.Do(t, "PATCH", "/api/v1/teams/tm_nope", s.AdminToken, map[string]any{"routing": "manual"})
		if status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
			t.Errorf("PATCH an unknown team: %d %s, want 404 not_found", status, body)
		}
		before := teamsBody(t, s)
		for _, tc := range []struct {
			name string
			body any
		}{
			{"the other team's name", map[string]any{"name": "KYC"}},
			// The routing change sent with the taken name is not written.
			{"a taken name with a routing change", map[string]any{"name": "KYC", "routing": "round_robin", "timezone": "Asia/Tokyo"}},
		} {
			status, body = s.Do(t, "PATCH", path, s.AdminToken, tc.body)
			if status != http.StatusConflict || apptest.ErrorCode(t, body) != "conflict" {
				t.Errorf("rename to %s: %d %s, want 409 conflict", tc.name, status, body)
			}
		}
		for _, tok := range []string{mei.Token, super.Token} {
			status, body = s.Do(t, "PATCH", path, tok, map[string]any{"routing": "round_robin"})
			if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
				t.Errorf("PATCH a team as a non-admin: %d %s, want 403 forbidden", status, body)
			}
		}
		if after := teamsBody(t, s); !bytes.Equal(before, after) {
			t.Errorf("refused changes changed the teams:\n%s\n→ %s", before, after)
		}
		// A blank name with a routing change changes nothing either.
		status, body = s.Do(t, "PATCH", path, s.AdminToken, map[string]any{"name": "  ", "routing": "round_robin"})
		wantInvalid(t, "blank name", status, body, "name")
		if after := teamsBody(t, s); !bytes.Equal(before, after) {
			t.Errorf("a blank name changed the teams:\n%s\n→ %s", before, after)
		}
	})
}

// place is GET /api/v1/widget/conversations/{id}/queue.
type place struct {
	Position     int     `json:"position"`
	ETASeconds   int     `json:"eta_seconds"`
	ETAKnown     bool    `json:"eta_known"`
	AgentsOnline int     `json:"agents_online"`
	Open         bool    `json:"open"`
	OpensAt      *string `json:"opens_at"`
	TimeZone     string  `json:"time_zone"`
	Assignee     *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"assignee"`
}

func placeOf(t *testing.T, s *apptest.Server, conv, contactToken string) place {
	t.Helper()
	var p place
	s.JSON(t, "GET", "/api/v1/widget/conversations/"+conv+"/queue", contactToken, nil, http.StatusOK, &p)
	return p
}

// goOnline sets the agent's presence to online.
func goOnline(t *testing.T, s *apptest.Server, token string) {
	t.Helper()
	s.JSON(t, "PUT", "/api/v1/me/presence", token, map[string]string{"status": "online"}, http.StatusOK, nil)
}

func TestRoutingQueuesOverview(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		super := s.CreateAgent(t, "sun@example.com", "Sun", "supervisor")
		pay, night := createTeam(t, s, "Payments"), createTeam(t, s, "Night")
		s.JSON(t, "POST", "/api/v1/teams/"+pay.ID+"/members", s.AdminToken, map[string]string{"agent_id": mei.ID}, http.StatusNoContent, nil)
		s.JSON(t, "PATCH", "/api/v1/inboxes/"+s.InboxID, s.AdminToken, map[string]any{"team_id": pay.ID}, http.StatusOK, nil)
		// Night is closed today and tomorrow (holidays in UTC, the date
		// may turn meanwhile), so it opens the day after at the earliest.
		now := time.Now().UTC()
		s.JSON(t, "PATCH", "/api/v1/teams/"+night.ID, s.AdminToken, map[string]any{
			"holidays": []string{now.Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)}}, http.StatusOK, nil)

		status, body := s.Do(t, "GET", "/api/v1/routing/queues", mei.Token, nil)
		if status != http.StatusForbidden || apptest.ErrorCode(t, body) != "forbidden" {
			t.Fatalf("GET /api/v1/routing/queues as an agent: %d %s, want 403 forbidden", status, body)
		}
		q := queuesOf(t, s, super.Token)
		if len(q.Queues) != 3 || q.Queues[0].TeamID != "" || q.Queues[0].Name != "" || q.Queues[1].Name != "Night" || q.Queues[2].Name != "Payments" {
			t.Fatalf("queues = %+v, want the no-team queue, then Night and Payments by name", q.Queues)
		}
		for _, v := range q.Queues {
			if v.Waiting != 0 || v.LongestWaitSeconds != 0 || v.AgentsOnline != 0 || v.FreeCapacity != 0 {
				t.Fatalf("an idle queue: %+v", v)
			}
			if v.TeamID == night.ID {
				at, err := time.Parse(time.RFC3339, deref(v.OpensAt))
				if v.Open || err != nil || !at.After(now.AddDate(0, 0, 1).Truncate(24*time.Hour)) {
					t.Fatalf("the closed team's queue: %+v (%v), want closed, opening after tomorrow", v, err)
				}
			} else if !v.Open || v.OpensAt != nil {
				t.Fatalf("an always-open queue: %+v", v)
			}
		}
		if len(q.Agents) != 3 {
			t.Fatalf("agents = %+v, want the admin, Mei and Sun", q.Agents)
		}
		for _, a := range q.Agents {
			wantTeams := []string{}
			if a.ID == mei.ID {
				wantTeams = []string{pay.ID}
			}
			if a.Presence != "offline" || a.Capacity != 5 || a.Load != 0 || a.Skills == nil || !slices.Equal(a.TeamIDs, wantTeams) || a.Name == "" {
				t.Fatalf("agent %+v, want offline, capacity 5, load 0, skills [], team_ids %v", a, wantTeams)
			}
		}
		// The raw shape: opens_at is left out while a queue is open.
		_, raw := s.Do(t, "GET", "/api/v1/routing/queues", s.AdminToken, nil)
		for _, key := range []string{`"queues":[{"team_id":"","name":"","waiting":0,"longest_wait_seconds":0,"agents_online":0,"free_capacity":0,"open":true}`, `"team_ids":[`} {
			if !strings.Contains(string(raw), key) {
				t.Fatalf("GET /api/v1/routing/queues lacks %s: %s", key, raw)
			}
		}

		// A visitor writes to the inbox without the bot: the conversation
		// waits in Payments' queue.
		conv, ct := s.StartConversation(t)
		s.Send(t, conv, ct, "q-1", "my withdrawal is stuck")
		eventually(t, "the conversation waits in Payments' queue", func() bool { return queueOf(t, s, pay.ID).Waiting == 1 })
		if v := queueOf(t, s, pay.ID); v.AgentsOnline != 0 || v.FreeCapacity != 0 || v.LongestWaitSeconds < 0 || !v.Open {
			t.Fatalf("Payments' queue with one waiting: %+v", v)
		}
		if v := queueOf(t, s, ""); v.Waiting != 0 {
			t.Fatalf("the no-team queue holds a conversation of a routed inbox: %+v", v)
		}
		if got := assigneeOf(t, s, conv); got != "" {
			t.Fatalf("assigned to %s with nobody online", got)
		}

		// A member goes online: it is hers, and the queue is empty.
		goOnline(t, s, mei.Token)
		eventually(t, "the conversation is assigned to Mei", func() bool { return assigneeOf(t, s, conv) == mei.ID })
		v := queueOf(t, s, pay.ID)
		if v.Waiting != 0 || v.LongestWaitSeconds != 0 || v.AgentsOnline != 1 || v.FreeCapacity != 4 {
			t.Fatalf("Payments' queue after the assignment: %+v, want 0 waiting, 1 online, 4 free", v)
		}
		for _, a := range queuesOf(t, s, super.Token).Agents {
			if a.ID == mei.ID && (a.Presence != "online" || a.Load != 1) {
				t.Fatalf("Mei after the assignment: %+v, want online with load 1", a)
			}
		}
		if a := routedAgents(t, s, mei.Token)[mei.ID]; a.Load != 1 {
			t.Fatalf("GET /api/v1/agents: Mei's load %d, want 1", a.Load)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestWidgetQueuePlace(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		conv, ct := s.StartConversation(t)
		_, otherToken := s.StartConversation(t)
		// Before the visitor writes, nobody is waited for.
		if p := placeOf(t, s, conv, ct); p.Position != 0 || p.Assignee != nil || !p.Open {
			t.Fatalf("place before the first message: %+v, want position 0 without an assignee", p)
		}
		s.Send(t, conv, ct, "w-1", "where is my USDT?")
		eventually(t, "the visitor is first in the queue", func() bool { return placeOf(t, s, conv, ct).Position == 1 })
		p := placeOf(t, s, conv, ct)
		if p.ETAKnown || p.ETASeconds != 0 || p.AgentsOnline != 0 || !p.Open || p.OpensAt != nil || p.Assignee != nil {
			t.Fatalf("place while waiting with nobody online: %+v, want position 1, eta unknown, 0 online, open", p)
		}

		// Another contact's token and no token are refused, as on the other
		// widget routes.
		status, body := s.Do(t, "GET", "/api/v1/widget/conversations/"+conv+"/queue", otherToken, nil)
		if status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
			t.Fatalf("another contact's token: %d %s, want 404 not_found", status, body)
		}
		status, body = s.Do(t, "GET", "/api/v1/widget/conversations/"+conv+"/queue", "", nil)
		if status != http.StatusUnauthorized || apptest.ErrorCode(t, body) != "unauthorized" {
			t.Fatalf("no token: %d %s, want 401 unauthorized", status, body)
		}
		status, body = s.Do(t, "GET", "/api/v1/widget/conversations/"+conv+"/queue", mei.Token, nil)
		if status != http.StatusUnauthorized {
			t.Fatalf("an agent's token: %d %s, want 401", status, body)
		}
		status, body = s.Do(t, "GET", "/api/v1/widget/conversations/cv_nope/queue", ct, nil)
		if status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
			t.Fatalf("an unknown conversation: %d %s, want 404 not_found", status, body)
		}

		// Once an agent has it: position 0 and who.
		goOnline(t, s, mei.Token)
		eventually(t, "the place names the agent", func() bool {
			p = placeOf(t, s, conv, ct)
			return p.Assignee != nil
		})
		if p.Position != 0 || p.Assignee.ID != mei.ID || p.Assignee.Name != "Mei" {
			t.Fatalf("place once assigned: %+v, want position 0 and Mei", p)
		}
	})
}

func TestRoutingResolveFreesCapacity(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		s.JSON(t, "PATCH", "/api/v1/agents/"+mei.ID, s.AdminToken, map[string]any{"capacity": 1}, http.StatusOK, nil)
		first, ct1 := s.StartConversation(t)
		second, ct2 := s.StartConversation(t)
		s.Send(t, first, ct1, "r-1", "first in line")
		eventually(t, "the first conversation waits", func() bool { return placeOf(t, s, first, ct1).Position == 1 })
		s.Send(t, second, ct2, "r-2", "second in line")
		eventually(t, "the second conversation waits behind it", func() bool { return placeOf(t, s, second, ct2).Position == 2 })

		goOnline(t, s, mei.Token)
		eventually(t, "the oldest conversation is Mei's", func() bool { return assigneeOf(t, s, first) == mei.ID })
		// At capacity: the second keeps waiting, now first in line.
		eventually(t, "the second conversation moves up", func() bool { return placeOf(t, s, second, ct2).Position == 1 })
		if got := assigneeOf(t, s, second); got != "" {
			t.Fatalf("the second conversation went to %q over Mei's capacity of 1", got)
		}
		if a := routedAgents(t, s, mei.Token)[mei.ID]; a.Load != 1 || a.Capacity != 1 {
			t.Fatalf("Mei at capacity: %+v", a)
		}

		resolved := time.Now()
		s.JSON(t, "PATCH", "/api/v1/conversations/"+first, mei.Token, map[string]string{"status": "resolved"}, http.StatusOK, nil)
		eventually(t, "the next waiting conversation is Mei's after she resolves", func() bool { return assigneeOf(t, s, second) == mei.ID })
		t.Logf("resolve → next conversation assigned in %v", time.Since(resolved).Round(time.Millisecond))
		if a := routedAgents(t, s, mei.Token)[mei.ID]; a.Load != 1 {
			t.Fatalf("Mei after resolving one and getting the next: load %d, want 1", a.Load)
		}
		if p := placeOf(t, s, second, ct2); p.Position != 0 || p.Assignee == nil || p.Assignee.ID != mei.ID {
			t.Fatalf("the second visitor's place: %+v, want position 0 with Mei", p)
		}
	})
}
