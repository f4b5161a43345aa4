package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/web/httpx"
)

type listResponse struct {
	Conversations []conversation.Summary `json:"conversations"`
	Total         int                    `json:"total"`
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) {
	f, err := s.listFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	convs, total, err := s.Conversations.List(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.Conversations.Summarize(r.Context(), convs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse{Conversations: items, Total: total})
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type patchRequest struct {
	Status       *conversation.Status   `json:"status"`
	SnoozedUntil *time.Time             `json:"snoozed_until"`
	Priority     *conversation.Priority `json:"priority"`
	AssigneeID   *string                `json:"assignee_id"` // "me", an agent id, or "" to unassign
	TeamID       *string                `json:"team_id"`
	Tags         *[]string              `json:"tags"`
	Attributes   map[string]*string     `json:"attributes"` // null deletes an attribute
}

func (s *Server) patchConversation(w http.ResponseWriter, r *http.Request) {
	var req patchRequest
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.AssigneeID != nil && *req.AssigneeID == "me" {
		id := agentFrom(r).ID
		req.AssigneeID = &id
	}
	c, err := s.Conversations.Update(r.Context(), r.PathValue("id"), conversation.Change{
		Status: req.Status, SnoozedUntil: req.SnoozedUntil, Priority: req.Priority, AssigneeID: req.AssigneeID,
		TeamID: req.TeamID, Tags: req.Tags, Attributes: req.Attributes,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type messagesResponse struct {
	Messages []conversation.Message `json:"messages"`
}

func (s *Server) agentMessages(w http.ResponseWriter, r *http.Request) {
	after, err := httpx.SeqParam(r, "after")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.Conversations.Messages(r.Context(), c.ID, after, 0, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, messagesResponse{Messages: msgs})
}

type agentSendRequest struct {
	Body            string `json:"body"`
	Private         bool   `json:"private"` // an internal note, never shown to the contact
	ClientMessageID string `json:"client_message_id"`
}

func (s *Server) agentSend(w http.ResponseWriter, r *http.Request) {
	var req agentSendRequest
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	dir := conversation.Outbound
	if req.Private {
		dir = conversation.Note
	}
	me := agentFrom(r)
	a, err := s.Conversations.SendReply(r.Context(), conversation.NewMessage{
		ConversationID: r.PathValue("id"), Direction: dir, AuthorType: conversation.AuthorAgent,
		AuthorID: me.ID, AuthorName: me.Name, Body: req.Body, ClientMessageID: req.ClientMessageID,
	})
	if err != nil {
		s.auditRefusal(r, r.PathValue("id"), err)
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if a.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, a.Message)
}

// auditRefusal records, when err is the outbound rule refusing text that
// asks the contact for a wallet secret (conversation.VetOutbound), the
// refused attempt in the audit log so supervisors can see it. The rule
// itself lives in conversation; the edge only maps and audits it.
func (s *Server) auditRefusal(r *http.Request, conversationID string, err error) {
	var sr *conversation.SecretRequest
	if !errors.As(err, &sr) {
		return
	}
	a := agentFrom(r)
	s.recordAudit(r, audit.Entry{ActorType: audit.ActorAgent, ActorID: a.ID, ActorEmail: a.Email,
		Action: "blocked: asks_for_secret", TargetType: "conversation", TargetID: conversationID,
		Details: map[string]any{"term": sr.Term}})
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.Contact(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) listInboxes(w http.ResponseWriter, r *http.Request) {
	ins, err := s.Conversations.Inboxes(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"inboxes": ins})
}

func (s *Server) createInbox(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name    string `json:"name"`
		Channel string `json:"channel"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Channel != "" && req.Channel != conversation.ChannelWebChat && req.Channel != conversation.ChannelAPI {
		s.fail(w, r, apperr.New(apperr.Invalid, "channel must be webchat or api, got %q", req.Channel))
		return
	}
	in, err := s.Conversations.CreateInbox(r.Context(), req.Name, req.Channel)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The HMAC secret is shown to the admin who creates the inbox so the
	// wallet backend can sign user ids; it is not listed afterwards.
	writeJSON(w, http.StatusCreated, map[string]any{"inbox": in, "hmac_secret": in.HMACSecret})
}

func (s *Server) listAgents(w http.ResponseWriter, r *http.Request) {
	as, err := s.Auth.Agents(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.agentsWithRouting(r, as)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": out})
}

func (s *Server) createAgent(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email    string    `json:"email"`
		Name     string    `json:"name"`
		Role     auth.Role `json:"role"`
		Password string    `json:"password"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Role == "" {
		req.Role = auth.RoleAgent
	}
	pw := req.Password
	if pw == "" {
		pw = auth.NewPassword()
	}
	a, err := s.Auth.CreateAgent(r.Context(), req.Email, req.Name, req.Role, pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := map[string]any{"agent": a}
	if req.Password == "" {
		resp["password"] = pw
	}
	writeJSON(w, http.StatusCreated, resp)
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Conversations.Teams(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.teamsWithRouting(r, ts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": out})
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.Conversations.CreateTeam(r.Context(), req.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.teamsWithRouting(r, []conversation.Team{t})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out[0])
}
