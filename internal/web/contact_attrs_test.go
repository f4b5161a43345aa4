package web_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
)

type contactJSON struct {
	ID         string            `json:"id"`
	Attributes map[string]string `json:"attributes"`
}

type inboxJSON struct {
	ID         string `json:"id"`
	TeamID     string `json:"team_id"`
	BotEnabled bool   `json:"bot_enabled"`
}

func TestPatchContactAttributes(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		st := s.StartConversationWith(t, map[string]any{"name": "Ann"})
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		path := "/api/v1/contacts/" + st.ContactID

		var c contactJSON
		s.JSON(t, "PATCH", path, mei.Token, map[string]any{"attributes": map[string]any{"vip": "gold", "app_version": "3.2.1"}},
			http.StatusOK, &c)
		want := map[string]string{"vip": "gold", "app_version": "3.2.1"}
		if !maps.Equal(c.Attributes, want) {
			t.Fatalf("after setting two attributes: %v, want %v", c.Attributes, want)
		}
		// Merge: null deletes, names not sent stay.
		c = contactJSON{}
		s.JSON(t, "PATCH", path, mei.Token, map[string]any{"attributes": map[string]any{"vip": nil, "kyc": "level 2\nchecked"}},
			http.StatusOK, &c)
		want = map[string]string{"app_version": "3.2.1", "kyc": "level 2\nchecked"}
		if !maps.Equal(c.Attributes, want) {
			t.Fatalf("after the merge: %v, want %v", c.Attributes, want)
		}
		c = contactJSON{}
		s.JSON(t, "GET", path, mei.Token, nil, http.StatusOK, &c)
		if !maps.Equal(c.Attributes, want) {
			t.Fatalf("GET after the merge: %v, want %v", c.Attributes, want)
		}

		fifty := map[string]any{}
		for i := range 49 {
			fifty[fmt.Sprintf("k%02d", i)] = "v"
		}
		for _, tc := range []struct {
			name string
			body any
		}{
			{"no attributes", map[string]any{}},
			{"empty attributes", map[string]any{"attributes": map[string]any{}}},
			{"NUL in a name", map[string]any{"attributes": map[string]any{"a\x00b": "x"}}},
			{"line break in a name", map[string]any{"attributes": map[string]any{"a\nb": "x"}}},
			{"direction control in a value", map[string]any{"attributes": map[string]any{"file": "invoice\u202egnp.exe"}}},
			{"escape in a value", map[string]any{"attributes": map[string]any{"note": "\x1b[31mred"}}},
			{"empty name", map[string]any{"attributes": map[string]any{"": "x"}}},
			{"name too long", map[string]any{"attributes": map[string]any{strings.Repeat("k", 101): "x"}}},
			{"value too long", map[string]any{"attributes": map[string]any{"k": strings.Repeat("v", 2001)}}},
			{"over 50 attributes", map[string]any{"attributes": fifty}},
			{"a seed phrase", map[string]any{"attributes": map[string]any{"backup": "legal winner thank year wave sausage worth useful legal winner thank yellow"}}},
			{"wrong type", map[string]any{"attributes": map[string]any{"n": 5}}},
		} {
			status, body := s.Do(t, "PATCH", path, mei.Token, tc.body)
			if status != http.StatusBadRequest || apptest.ErrorCode(t, body) != "invalid" {
				t.Errorf("%s: %d %s, want 400 invalid", tc.name, status, body)
			}
		}
		c = contactJSON{}
		s.JSON(t, "GET", path, mei.Token, nil, http.StatusOK, &c)
		if !maps.Equal(c.Attributes, want) {
			t.Fatalf("refused requests changed the attributes: %v, want %v", c.Attributes, want)
		}

		status, body := s.Do(t, "PATCH", "/api/v1/contacts/ct_nobody", mei.Token, map[string]any{"attributes": map[string]any{"a": "b"}})
		if status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
			t.Errorf("unknown contact: %d %s, want 404 not_found", status, body)
		}
		// The contact's own token cannot write their attributes.
		if status, body := s.Do(t, "PATCH", path, st.ContactToken, map[string]any{"attributes": map[string]any{"vip": "platinum"}}); status != http.StatusForbidden {
			t.Errorf("PATCH with the contact token: %d %s, want 403", status, body)
		}
		c = contactJSON{}
		s.JSON(t, "GET", path, mei.Token, nil, http.StatusOK, &c)
		if !maps.Equal(c.Attributes, want) {
			t.Fatalf("the contact's own request changed the attributes: %v, want %v", c.Attributes, want)
		}
	})
}

func TestPatchInboxTeam(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		var team teamJSON
		s.JSON(t, "POST", "/api/v1/teams", s.AdminToken, map[string]string{"name": "Payments"}, http.StatusCreated, &team)
		path := "/api/v1/inboxes/" + s.InboxID
		inboxTeam := func() string {
			t.Helper()
			var list struct {
				Inboxes []inboxJSON `json:"inboxes"`
			}
			s.JSON(t, "GET", "/api/v1/inboxes", s.AdminToken, nil, http.StatusOK, &list)
			for _, in := range list.Inboxes {
				if in.ID == s.InboxID {
					return in.TeamID
				}
			}
			t.Fatalf("inbox %s not listed", s.InboxID)
			return ""
		}

		var in inboxJSON
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"team_id": team.ID}, http.StatusOK, &in)
		if in.TeamID != team.ID || inboxTeam() != team.ID {
			t.Fatalf("after setting the team: %+v, listed team %q; want %s", in, inboxTeam(), team.ID)
		}
		// bot_enabled alone leaves the team. (Off: turning it on would
		// train the bot's model in the background, slow under -race.)
		in = inboxJSON{BotEnabled: true}
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"bot_enabled": false}, http.StatusOK, &in)
		if in.TeamID != team.ID || in.BotEnabled {
			t.Fatalf("after turning the bot off: %+v", in)
		}

		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		for _, tc := range []struct {
			name, token string
			body        any
			status      int
			code        string
		}{
			{"a team that does not exist", s.AdminToken, map[string]any{"team_id": "tm_nope"}, 400, "invalid"},
			{"a number", s.AdminToken, map[string]any{"team_id": 5}, 400, "invalid"},
			{"nothing to change", s.AdminToken, map[string]any{}, 400, "invalid"},
			{"an agent", agent.Token, map[string]any{"team_id": nil}, 403, "forbidden"},
		} {
			status, body := s.Do(t, "PATCH", path, tc.token, tc.body)
			if status != tc.status || apptest.ErrorCode(t, body) != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, status, body, tc.status, tc.code)
			}
		}
		if got := inboxTeam(); got != team.ID {
			t.Fatalf("refused requests changed the team to %q", got)
		}
		status, body := s.Do(t, "PATCH", "/api/v1/inboxes/in_nope", s.AdminToken, map[string]any{"team_id": team.ID})
		if status != http.StatusNotFound {
			t.Errorf("unknown inbox: %d %s, want 404", status, body)
		}

		in = inboxJSON{}
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"team_id": nil}, http.StatusOK, &in)
		if in.TeamID != "" || inboxTeam() != "" {
			t.Fatalf("after clearing the team: %+v, listed team %q", in, inboxTeam())
		}
	})
}
