package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/web/upload"
)

// files receives and serves attachments (upload.Files), the agents' here
// and the contacts' in the web-chat channel.
func (s *Server) files() upload.Files {
	return upload.Files{Conversations: s.Conversations, Storage: s.Attachments, MaxBytes: s.Limits.MaxUploadBytes}
}

func (s *Server) agentUpload(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	me := agentFrom(r)
	nm := conversation.NewMessage{ConversationID: c.ID, Direction: conversation.Outbound,
		AuthorType: conversation.AuthorAgent, AuthorID: me.ID, AuthorName: me.Name}
	// The outbound rule is applied before the file is stored, and again
	// by SendOne; a refusal is audited either way.
	a, err := s.files().Receive(w, r, nm, conversation.VetOutbound, func(nm conversation.NewMessage) (conversation.Appended, error) {
		return s.Conversations.SendOne(r.Context(), nm)
	})
	if err != nil {
		s.auditRefusal(r, c.ID, err)
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if a.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, a.Message)
}

func (s *Server) agentAttachment(w http.ResponseWriter, r *http.Request) {
	s.serveAttachment(w, r, r.PathValue("id"))
}

func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, conversationID string) {
	if err := s.files().Serve(w, r, conversationID); err != nil {
		s.fail(w, r, err)
	}
}
