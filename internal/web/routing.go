package web

import (
	"encoding/json"
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
)

// presenceJSON is an agent's presence as the API shows it.
type presenceJSON struct {
	Status string `json:"status"`
	Since  string `json:"since,omitempty"`
}

func presenceOf(a routing.Agent) presenceJSON {
	p := presenceJSON{Status: string(a.Presence)}
	if !a.Since.IsZero() {
		p.Since = a.Since.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	return p
}

func (s *Server) routingOn(w http.ResponseWriter, r *http.Request) bool {
	if s.Routing == nil {
		s.fail(w, r, apperr.New(apperr.NotFound, "this server does not route conversations"))
		return false
	}
	return true
}

func (s *Server) getPresence(w http.ResponseWriter, r *http.Request) {
	if !s.routingOn(w, r) {
		return
	}
	a, err := s.Routing.Store().Agent(r.Context(), agentFrom(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, presenceOf(a))
}

// putPresence is the agent's presence switch: online agents are given
// conversations.
func (s *Server) putPresence(w http.ResponseWriter, r *http.Request) {
	if !s.routingOn(w, r) {
		return
	}
	var req struct {
		Status routing.Presence `json:"status"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Routing.SetPresence(r.Context(), agentFrom(r).ID, req.Status)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, presenceOf(a))
}

// agentJSON is an agent with their routing state.
type agentJSON struct {
	auth.Agent
	Presence string   `json:"presence"`
	Capacity int      `json:"capacity"`
	Skills   []string `json:"skills"`
	Load     int      `json:"load"`
}

func (s *Server) agentsWithRouting(r *http.Request, as []auth.Agent) ([]agentJSON, error) {
	out := make([]agentJSON, len(as))
	for i, a := range as {
		out[i] = agentJSON{Agent: a, Presence: string(routing.Offline), Capacity: routing.DefaultCapacity, Skills: []string{}}
	}
	if s.Routing == nil {
		return out, nil
	}
	states, err := s.Routing.Store().Agents(r.Context())
	if err != nil {
		return nil, err
	}
	loads, err := s.Routing.Store().Loads(r.Context())
	if err != nil {
		return nil, err
	}
	for i := range out {
		if st, ok := states[out[i].ID]; ok {
			out[i].Presence, out[i].Capacity, out[i].Skills = string(st.Presence), st.Capacity, st.Skills
		}
		out[i].Load = loads[out[i].ID]
	}
	return out, nil
}

// teamJSON is a team with its routing.
type teamJSON struct {
	conversation.Team
	routing.TeamJSON
}

func (s *Server) teamsWithRouting(r *http.Request, ts []conversation.Team) ([]teamJSON, error) {
	var settings map[string]routing.Team
	if s.Routing != nil {
		var err error
		if settings, err = s.Routing.Store().Teams(r.Context()); err != nil {
			return nil, err
		}
	}
	out := make([]teamJSON, len(ts))
	for i, t := range ts {
		rt, ok := settings[t.ID]
		if !ok {
			rt = routing.Team{TeamID: t.ID, Mode: routing.LeastLoaded, Hours: routing.AlwaysOpen()}
		}
		out[i] = teamJSON{Team: t, TeamJSON: rt.JSON()}
	}
	return out, nil
}

// patchTeam renames a team or changes its routing: mode, time zone,
// hours, holidays, overflow.
func (s *Server) patchTeam(w http.ResponseWriter, r *http.Request) {
	if !s.routingOn(w, r) {
		return
	}
	var req struct {
		Name                 *string              `json:"name"`
		Routing              *string              `json:"routing"`
		TimeZone             *string              `json:"timezone"`
		Hours                *map[string][]string `json:"hours"`
		Holidays             *[]string            `json:"holidays"`
		OverflowTeamID       *string              `json:"overflow_team_id"`
		OverflowAfterMinutes *int                 `json:"overflow_after_minutes"`
	}
	// "hours": null means always open and "overflow_team_id": null turns
	// overflow off, so which keys were sent is read too.
	var raw map[string]json.RawMessage
	if err := decode(w, r, s.Limits.MaxRequestBytes, &raw); err != nil {
		s.fail(w, r, err)
		return
	}
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &req); err != nil {
		s.fail(w, r, apperr.New(apperr.Invalid, "invalid team change: %v", err))
		return
	}
	ch := routing.TeamChange{Mode: req.Routing, TimeZone: req.TimeZone, Holidays: req.Holidays,
		OverflowTeamID: req.OverflowTeamID, OverflowAfterMinutes: req.OverflowAfterMinutes}
	if _, ok := raw["hours"]; ok {
		week := map[string][]string(nil)
		if req.Hours != nil {
			week = *req.Hours
		}
		ch.Week = &week
	}
	if _, ok := raw["overflow_team_id"]; ok && req.OverflowTeamID == nil {
		none := ""
		ch.OverflowTeamID = &none
	}
	id := r.PathValue("id")
	// One transaction: a refused name (blank, taken) leaves the routing
	// sent with it unwritten too.
	err := s.Conversations.DB().InTx(r.Context(), func(tx *store.Tx) error {
		if _, err := s.Routing.Store().SetTeamTx(r.Context(), tx, id, ch); err != nil {
			return err
		}
		if req.Name == nil {
			return nil
		}
		return s.Conversations.RenameTeamTx(r.Context(), tx, id, *req.Name)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Routing.Kick()
	s.writeTeam(w, r, id)
}

func (s *Server) writeTeam(w http.ResponseWriter, r *http.Request, id string) {
	ts, err := s.Conversations.Teams(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range ts {
		if t.ID == id {
			out, err := s.teamsWithRouting(r, []conversation.Team{t})
			if err != nil {
				s.fail(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, out[0])
			return
		}
	}
	s.fail(w, r, apperr.New(apperr.NotFound, "team %q not found", id))
}

// listQueues is the supervisor's view: every queue and every agent's load.
func (s *Server) listQueues(w http.ResponseWriter, r *http.Request) {
	if !s.routingOn(w, r) {
		return
	}
	ts, err := s.Conversations.Teams(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := make([]routing.TeamName, len(ts))
	memberOf := map[string][]string{}
	for i, t := range ts {
		names[i] = routing.TeamName{ID: t.ID, Name: t.Name}
		for _, m := range t.MemberIDs {
			memberOf[m] = append(memberOf[m], t.ID)
		}
	}
	qs, err := s.Routing.Queues(r.Context(), names)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.Auth.Agents(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active := as[:0]
	for _, a := range as {
		if a.Active {
			active = append(active, a)
		}
	}
	full, err := s.agentsWithRouting(r, active)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type loadJSON struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Presence string   `json:"presence"`
		Capacity int      `json:"capacity"`
		Load     int      `json:"load"`
		Skills   []string `json:"skills"`
		TeamIDs  []string `json:"team_ids"`
	}
	agents := make([]loadJSON, len(full))
	for i, a := range full {
		teams := memberOf[a.ID]
		if teams == nil {
			teams = []string{}
		}
		agents[i] = loadJSON{ID: a.ID, Name: a.Name, Presence: a.Presence, Capacity: a.Capacity, Load: a.Load, Skills: a.Skills, TeamIDs: teams}
	}
	writeJSON(w, http.StatusOK, map[string]any{"queues": qs, "agents": agents})
}
