package web

import (
	"encoding/json"
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
)

// patchContact merges custom attributes into a contact (PATCH
// /api/v1/contacts/{id} {"attributes": {"vip": "gold", "old": null}}).
func (s *Server) patchContact(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Attributes map[string]*string `json:"attributes"` // null deletes an attribute
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Conversations.SetContactAttributes(r.Context(), r.PathValue("id"), req.Attributes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// inboxTeam reads the team_id of an inbox PATCH: absent leaves the team
// as it is (set false); null or "" clears it.
func inboxTeam(raw json.RawMessage) (team string, set bool, err error) {
	if len(raw) == 0 {
		return "", false, nil
	}
	if string(raw) == "null" {
		return "", true, nil
	}
	if err := json.Unmarshal(raw, &team); err != nil {
		return "", false, apperr.New(apperr.Invalid, "field \"team_id\" must be a team id (tm_…) or null")
	}
	return team, true, nil
}
