package web

import (
	"bufio"
	"errors"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
)

// upload reads a multipart form with a "file" part (and optional "body" and
// "client_message_id" fields), checks its size and sniffed type, stores it
// and records its metadata.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, conversationID string) (conversation.AttachmentRef, string, string, error) {
	var ref conversation.AttachmentRef
	r.Body = http.MaxBytesReader(w, r.Body, s.Limits.MaxUploadBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return ref, "", "", apperr.New(apperr.TooLarge, "the upload is larger than the %d byte limit", s.Limits.MaxUploadBytes)
		}
		return ref, "", "", apperr.New(apperr.Invalid, "send the file as multipart/form-data with a part named \"file\"")
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return ref, "", "", apperr.New(apperr.Invalid, "the form has no part named \"file\"")
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 512)
	head, _ := br.Peek(512)
	ct, err := attachment.Sniff(head)
	if err != nil {
		return ref, "", "", err
	}
	name := filepath.Base(strings.ReplaceAll(hdr.Filename, `\`, "/"))
	if name == "." || name == "/" || !utf8.ValidString(name) || len(name) > 200 {
		name = "file"
	}
	ref = conversation.AttachmentRef{ID: strings.ToLower(conversation.NewID("at")), Filename: name, ContentType: ct}
	n, sha, err := s.Attachments.Put(r.Context(), ref.ID, br, s.Limits.MaxUploadBytes)
	if err != nil {
		return ref, "", "", err
	}
	ref.Size = n
	if err := s.Conversations.AddAttachment(r.Context(), conversationID, ref, sha); err != nil {
		_ = s.Attachments.Delete(r.Context(), ref.ID)
		return ref, "", "", err
	}
	return ref, r.FormValue("body"), r.FormValue("client_message_id"), nil
}

func (s *Server) widgetUpload(w http.ResponseWriter, r *http.Request) {
	c, err := s.contactConversation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, body, cmid, err := s.upload(w, r, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ack, err := s.Intake.Submit(r.Context(), intake.Inbound{
		Channel: conversation.ChannelWebChat, ConversationID: c.ID, ContactID: c.ContactID,
		ClientMessageID: cmid, Body: body, Attachments: []conversation.AttachmentRef{ref},
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAck(w, ack)
}

func (s *Server) agentUpload(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, body, cmid, err := s.upload(w, r, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Conversations.AppendOne(r.Context(), conversation.NewMessage{
		ConversationID: c.ID, Direction: conversation.Outbound, AuthorType: conversation.AuthorAgent,
		AuthorID: agentFrom(r).ID, Body: body, ClientMessageID: cmid, Attachments: []conversation.AttachmentRef{ref},
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.Message)
}

func (s *Server) widgetAttachment(w http.ResponseWriter, r *http.Request) {
	c, err := s.contactConversation(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveAttachment(w, r, c.ID)
}

func (s *Server) agentAttachment(w http.ResponseWriter, r *http.Request) {
	s.serveAttachment(w, r, r.PathValue("id"))
}

func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, conversationID string) {
	ref, err := s.Conversations.Attachment(r.Context(), conversationID, r.PathValue("attachment_id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.Attachments.Open(r.Context(), ref.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	disp := "attachment"
	if attachment.IsImage(ref.ContentType) {
		disp = "inline"
	}
	w.Header().Set("Content-Type", ref.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": ref.Filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "", noModTime, f)
}
