package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
)

// me answers the calling agent as stored now (with the avatar's
// address), not as the session or token was when it was checked.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	a, err := s.Auth.AgentByID(r.Context(), agentFrom(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// patchMe changes the calling agent's own display name: the name visitors
// see beside the agent's replies. Role and state stay with admins.
func (s *Server) patchMe(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name *string `json:"name"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Name == nil {
		s.fail(w, r, apperr.New(apperr.Invalid, "nothing to change: send name"))
		return
	}
	me := agentFrom(r).ID
	a, err := s.Auth.UpdateAgent(r.Context(), me, me, auth.AgentChange{Name: req.Name})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// putAvatar takes the agent's avatar as the multipart part "file". The
// image is checked by its bytes (PNG, JPEG, GIF or WebP, at most
// auth.MaxAvatarBytes) and served only from this server.
func (s *Server) putAvatar(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, auth.MaxAvatarBytes+16<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, r, apperr.New(apperr.TooLarge, "the avatar is larger than %d KiB (头像文件过大)", auth.MaxAvatarBytes>>10))
			return
		}
		s.fail(w, r, apperr.New(apperr.Invalid, "send the image as multipart/form-data with a part named \"file\""))
		return
	}
	defer file.Close()
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	img, err := io.ReadAll(io.LimitReader(file, auth.MaxAvatarBytes+1))
	if err != nil {
		s.fail(w, r, apperr.New(apperr.Invalid, "the avatar could not be read; send it again"))
		return
	}
	a, err := s.Auth.SetAvatar(r.Context(), agentFrom(r).ID, img)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) deleteAvatar(w http.ResponseWriter, r *http.Request) {
	a, err := s.Auth.DeleteAvatar(r.Context(), agentFrom(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// getAvatar serves an agent's avatar to agents, as an image that can do
// nothing but be shown.
func (s *Server) getAvatar(w http.ResponseWriter, r *http.Request) {
	av, err := s.Auth.AvatarOf(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", av.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// The address changes with each upload (?v=), so it may be kept.
	h.Set("Cache-Control", "private, max-age=86400")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(av.Data)
}

// getVisitor answers the conversation's visitor context: the page,
// referrer, browser or app version, device, language and time zone the
// widget or the wallet app passed.
func (s *Server) getVisitor(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	info, err := s.Conversations.Visitor(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}
