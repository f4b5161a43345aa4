package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/auth"
)

// sessionCookie names the console's session cookie.
const sessionCookie = "huiying_session"

// csrfHeader carries the session's CSRF token on cookie-authenticated writes.
const csrfHeader = "X-CSRF-Token"

type sessionResponse struct {
	Agent     auth.Agent `json:"agent"`
	CSRFToken string     `json:"csrf_token"`
	// TOTPSetupRequired is set for an admin without two-factor sign-in:
	// the console must enroll before anything else works.
	TOTPSetupRequired bool `json:"totp_setup_required"`
}

func newSessionResponse(sess auth.Session) sessionResponse {
	return sessionResponse{Agent: sess.Agent, CSRFToken: sess.CSRFToken, TOTPSetupRequired: sess.Agent.NeedsTOTPSetup()}
}

// login signs an agent in to the console with email and password, and the
// second factor when the agent has it on. A browser request from another
// site's page is refused, so no site can sign a visitor in to an account of
// its choosing (login CSRF); clients that send no Origin (curl, scripts)
// are not browsers and may sign in. Failures count towards the sign-in
// rate limits (auth.SignIn) and are recorded in the audit log; refused
// attempts (429) are only counted, with an entry at the 1st, 10th, 100th…
// refusal by the same limit in a window, so a flood cannot fill the log.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Origin") != "" && !sameOrigin(r) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "sign in from this server's own console page; Origin %q is not %s",
			r.Header.Get("Origin"), r.Host))
		return
	}
	var req struct {
		Email        string `json:"email"`
		Password     string `json:"password"`
		TOTPCode     string `json:"totp_code"`
		RecoveryCode string `json:"recovery_code"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Auth.SignIn(r.Context(), auth.Credentials{Email: req.Email, Password: req.Password,
		TOTPCode: req.TOTPCode, RecoveryCode: req.RecoveryCode, IP: clientIP(r)})
	if err != nil {
		email := strings.ToLower(strings.TrimSpace(req.Email))
		if len(email) > 200 {
			email = email[:200]
		}
		switch code := apperr.CodeOf(err); {
		case res.Refused != nil:
			if tenfold(res.Refused.Count) {
				s.recordAudit(r, audit.Entry{ActorType: audit.ActorAgent, ActorEmail: email,
					Action: "session.sign_in_refused", TargetType: "agent",
					Details: map[string]any{"limit": res.Refused.Limit, "refused": res.Refused.Count}})
			}
		case code != "":
			s.recordAudit(r, audit.Entry{ActorType: audit.ActorAgent, ActorID: res.Agent.ID, ActorEmail: email,
				Action: "session.sign_in_failed", TargetType: "agent", TargetID: res.Agent.ID,
				Details: map[string]any{"reason": code}})
		}
		s.fail(w, r, err)
		return
	}
	a := res.Agent
	if c, err := r.Cookie(sessionCookie); err == nil {
		// Signing in again replaces the browser's old session.
		if err := s.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	secret, sess, err := s.Auth.CreateSession(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	details := map[string]any{"totp": a.TOTPEnabled}
	if res.UsedRecoveryCode {
		details["recovery_code"] = true
	}
	if a.NeedsTOTPSetup() {
		details["totp_setup_required"] = true
	}
	s.recordAudit(r, audit.Entry{ActorType: audit.ActorAgent, ActorID: a.ID, ActorEmail: a.Email,
		Action: "session.sign_in", TargetType: "agent", TargetID: a.ID, Details: details})
	setSessionCookie(w, r, secret, auth.SessionTTL)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, newSessionResponse(sess))
}

// tenfold reports whether n is 1, 10, 100, …: the refusal counts that get
// an audit entry.
func tenfold(n int64) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}

// getSession tells the console whether it is signed in, and as whom.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		s.fail(w, r, apperr.New(apperr.Unauthorized, "not signed in"))
		return
	}
	sess, err := s.Auth.SessionAgent(r.Context(), c.Value)
	if err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			clearSessionCookie(w, r)
		}
		s.fail(w, r, err)
		return
	}
	if sess.Renewed {
		setSessionCookie(w, r, c.Value, auth.SessionTTL)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, newSessionResponse(sess))
}

// logout ends the session and clears the cookie. It needs no CSRF token:
// another site cannot send the SameSite=Lax cookie with a DELETE, and
// signing out must work even when the console has lost its token. It
// answers 204 also when there was no session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if sess, err := s.Auth.SessionAgent(r.Context(), c.Value); err == nil {
			s.recordAudit(r, audit.Entry{ActorType: audit.ActorAgent, ActorID: sess.Agent.ID, ActorEmail: sess.Agent.Email,
				Action: "session.sign_out", TargetType: "agent", TargetID: sess.Agent.ID})
		}
		if err := s.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// cookieAgent authenticates an agent route by the session cookie. Writes
// must carry the session's CSRF token, and WebSocket upgrades must come
// from a page of this server (a browser sends the cookie with a cross-site
// WebSocket handshake, and WebSockets are not bound by CORS).
func (s *Server) cookieAgent(w http.ResponseWriter, r *http.Request, c *http.Cookie, rt Route) (auth.Agent, error) {
	sess, err := s.Auth.SessionAgent(r.Context(), c.Value)
	if err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			clearSessionCookie(w, r)
		}
		return auth.Agent{}, err
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		tok := r.Header.Get(csrfHeader)
		if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRFToken)) != 1 {
			return auth.Agent{}, apperr.New(apperr.CSRF,
				"missing or wrong %s header; reload the page to get a fresh session token", csrfHeader)
		}
	}
	if strings.HasPrefix(rt.Path, "/ws/") && !sameOrigin(r) {
		return auth.Agent{}, apperr.New(apperr.Forbidden,
			"WebSocket refused: its Origin %q is not this server (%s)", r.Header.Get("Origin"), r.Host)
	}
	if sess.Renewed {
		setSessionCookie(w, r, c.Value, auth.SessionTTL)
	}
	return sess.Agent, nil
}

// sameOrigin reports whether the request's Origin header names the host
// the request was sent to. A missing Origin does not match: browsers always
// send one with a WebSocket handshake.
func sameOrigin(r *http.Request) bool {
	u, err := url.Parse(r.Header.Get("Origin"))
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// secureRequest reports whether the client reached us over TLS, directly or
// through a proxy that says so.
func secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, value string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: int(ttl / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	})
}
