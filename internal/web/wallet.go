package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/walletctx"
)

// explorers are the configured block explorer templates (defaults when the
// server was built without them).
func (s *Server) explorers() walletctx.Explorers {
	if s.Explorers != nil {
		return s.Explorers
	}
	return walletctx.DefaultExplorers()
}

func (s *Server) getExplorers(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"explorers": s.explorers()})
}

// OfficialChannel is one channel users can trust, listed on /verify.
type OfficialChannel struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

const officialChannelsKey = "official_channels"

func (s *Server) officialChannels(ctx context.Context) ([]OfficialChannel, error) {
	v, err := s.Conversations.DB().SettingOrInit(ctx, officialChannelsKey, func() string { return "[]" })
	if err != nil {
		return nil, err
	}
	out := []OfficialChannel{}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		s.log.Warn("official channels setting is not valid JSON; showing none", "err", err)
		return []OfficialChannel{}, nil
	}
	return out, nil
}

func (s *Server) getOfficialChannels(w http.ResponseWriter, r *http.Request) {
	chs, err := s.officialChannels(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": chs})
}

func (s *Server) putOfficialChannels(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Channels []OfficialChannel `json:"channels"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Channels == nil {
		s.fail(w, r, apperr.New(apperr.Invalid, `send {"channels":[{"label":"…","url":"https://…"}]}`))
		return
	}
	if len(req.Channels) > 20 {
		s.fail(w, r, apperr.New(apperr.Invalid, "at most 20 official channels, got %d", len(req.Channels)))
		return
	}
	for i := range req.Channels {
		c := &req.Channels[i]
		c.Label, c.URL = strings.TrimSpace(c.Label), strings.TrimSpace(c.URL)
		if c.Label == "" || utf8.RuneCountInString(c.Label) > 100 {
			s.fail(w, r, apperr.New(apperr.Invalid, "channels[%d].label must be 1 to 100 characters", i))
			return
		}
		u, err := url.Parse(c.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(c.URL) > 500 {
			s.fail(w, r, apperr.New(apperr.Invalid, "channels[%d].url must be an https:// URL of at most 500 characters, got %q", i, c.URL))
			return
		}
	}
	b, _ := json.Marshal(req.Channels)
	if err := s.Conversations.DB().SetSetting(r.Context(), officialChannelsKey, string(b)); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": req.Channels})
}

func (s *Server) exportContact(w http.ResponseWriter, r *http.Request) {
	ex, err := s.Conversations.ExportContact(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="contact-`+ex.Contact.ID+`.json"`)
	writeJSON(w, http.StatusOK, ex)
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) {
	atts, err := s.Conversations.DeleteContact(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The rows are gone; remove the files even if the client went away.
	ctx := context.WithoutCancel(r.Context())
	for _, id := range atts {
		if err := s.Attachments.Delete(ctx, id); err != nil {
			s.log.Warn("delete contact: attachment file", "attachment", id, "err", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
