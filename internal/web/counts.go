package web

import (
	"net/http"
	"strconv"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
)

// listFilter reads the conversation list's filters from the query string:
// status (one or several joined by commas), inbox_id, team_id, tag,
// contact_id, assignee (me, unassigned, all or an agent id), q (search
// text), before and limit. The counts take the same filters, so that each
// tab's count is the total of its list.
func (s *Server) listFilter(r *http.Request) (conversation.Filter, error) {
	q := r.URL.Query()
	f := conversation.Filter{
		Status: conversation.Status(q.Get("status")), InboxID: q.Get("inbox_id"), TeamID: q.Get("team_id"),
		Tag: q.Get("tag"), ContactID: q.Get("contact_id"), Query: q.Get("q"),
	}
	switch a := q.Get("assignee"); a {
	case "", "all":
	case "me":
		f.AssigneeID = agentFrom(r).ID
	case "unassigned":
		f.Unassigned = true
	default:
		f.AssigneeID = a
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, apperr.New(apperr.Invalid, "before must be a number of milliseconds, got %q", v)
		}
		f.Before = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return f, apperr.New(apperr.Invalid, "limit must be 1 to 200, got %q", v)
		}
		f.Limit = n
	}
	return f, nil
}

// countConversations answers the console's tab badges: how many
// conversations matching the list's filters (every status when none is
// given) are the caller's, unassigned, and in all.
func (s *Server) countConversations(w http.ResponseWriter, r *http.Request) {
	f, err := s.listFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Conversations.Count(r.Context(), f, agentFrom(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
