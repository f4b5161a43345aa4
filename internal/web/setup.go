package web

import (
	"context"
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
)

// The first-run checklist: what an admin of a new desk still has to do.
// Each step is read from the real state where there is one (two-factor
// sign-in, the /verify channels, a second agent); copying the widget
// snippet leaves no trace on the server, so the console marks it.

// Settings keys of the checklist.
const (
	setupSnippetKey   = "setup_snippet_copied"
	setupDismissedKey = "setup_dismissed"
)

// setupStep is one step of the checklist.
type setupStep struct {
	ID   string `json:"id"`
	Done bool   `json:"done"`
}

// setupState is the answer of GET and PATCH /api/v1/setup.
type setupState struct {
	Steps []setupStep `json:"steps"`
	// Done: every step is done; Dismissed: an admin closed the checklist.
	// The console shows it while neither is true.
	Done      bool `json:"done"`
	Dismissed bool `json:"dismissed"`
}

func (s *Server) setupState(ctx context.Context, r *http.Request) (setupState, error) {
	db := s.Conversations.DB()
	flag := func(key string) (bool, error) {
		v, _, err := db.Setting(ctx, key)
		return v == "1", err
	}
	chs, err := s.officialChannels(ctx)
	if err != nil {
		return setupState{}, err
	}
	agents, err := s.Auth.Agents(ctx)
	if err != nil {
		return setupState{}, err
	}
	active := 0
	for _, a := range agents {
		if a.Active {
			active++
		}
	}
	snippet, err := flag(setupSnippetKey)
	if err != nil {
		return setupState{}, err
	}
	dismissed, err := flag(setupDismissedKey)
	if err != nil {
		return setupState{}, err
	}
	st := setupState{Steps: []setupStep{
		{"two_factor", agentFrom(r).TOTPEnabled},
		{"official_channels", len(chs) > 0},
		{"widget_snippet", snippet},
		{"invite_agents", active > 1},
	}, Dismissed: dismissed, Done: true}
	for _, p := range st.Steps {
		st.Done = st.Done && p.Done
	}
	return st, nil
}

// getSetup answers the first-run checklist.
func (s *Server) getSetup(w http.ResponseWriter, r *http.Request) {
	st, err := s.setupState(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// patchSetup marks the widget snippet copied and dismisses (or brings
// back) the checklist: {"snippet_copied":true} and/or {"dismissed":bool}.
func (s *Server) patchSetup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SnippetCopied *bool `json:"snippet_copied"`
		Dismissed     *bool `json:"dismissed"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.SnippetCopied == nil && req.Dismissed == nil {
		s.fail(w, r, apperr.New(apperr.Invalid, `send {"snippet_copied":true} or {"dismissed":true|false}`))
		return
	}
	if req.SnippetCopied != nil && !*req.SnippetCopied {
		s.fail(w, r, apperr.New(apperr.Invalid, `"snippet_copied" can only be true: a copied snippet stays copied`))
		return
	}
	db := s.Conversations.DB()
	set := func(key string, on bool) error {
		v := ""
		if on {
			v = "1"
		}
		return db.SetSetting(r.Context(), key, v)
	}
	if req.SnippetCopied != nil {
		if err := set(setupSnippetKey, true); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if req.Dismissed != nil {
		if err := set(setupDismissedKey, *req.Dismissed); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.getSetup(w, r)
}
