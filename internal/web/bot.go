package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
)

func (s *Server) botUnavailable(w http.ResponseWriter, r *http.Request) bool {
	if s.Bot == nil {
		s.fail(w, r, apperr.New(apperr.NotFound, "the bot is not running on this server"))
		return true
	}
	return false
}

func (s *Server) listBotDecisions(w http.ResponseWriter, r *http.Request) {
	if s.botUnavailable(w, r) {
		return
	}
	ds, err := s.Bot.Decisions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"decisions": ds})
}

func (s *Server) listUnanswered(w http.ResponseWriter, r *http.Request) {
	if s.botUnavailable(w, r) {
		return
	}
	days := 30
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			s.fail(w, r, apperr.New(apperr.Invalid, "days must be a whole number from 1 to 365, got %q", v))
			return
		}
		days = n
	}
	gs, err := s.Bot.Unanswered(r.Context(), days)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": gs})
}

func (s *Server) patchInbox(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BotEnabled *bool           `json:"bot_enabled"`
		TeamID     json.RawMessage `json:"team_id"` // a team id, or null to clear
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	team, setTeam, err := inboxTeam(req.TeamID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.BotEnabled == nil && !setTeam {
		s.fail(w, r, apperr.New(apperr.Invalid, "nothing to change: send bot_enabled or team_id"))
		return
	}
	var in conversation.Inbox
	if setTeam {
		if in, err = s.Conversations.SetInboxTeam(r.Context(), r.PathValue("id"), team); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if req.BotEnabled != nil {
		if in, err = s.Conversations.SetInboxBot(r.Context(), r.PathValue("id"), *req.BotEnabled); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if in.BotEnabled && s.Bot != nil {
		s.Bot.WarmInBackground()
	}
	writeJSON(w, http.StatusOK, in)
}
