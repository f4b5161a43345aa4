package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/auth"
)

// totpEnrollment is the answer of POST /api/v1/me/totp.
type totpEnrollment struct {
	auth.TOTPEnrollment
	// QRPNG is the otpauth:// URL as a QR code, a data:image/png URL, so a
	// phone adds the account by scanning instead of typing the secret.
	QRPNG string `json:"qr_png"`
}

// beginTOTP starts two-factor enrollment: it answers the new secret, its
// otpauth:// URL and that URL's QR code; nothing changes at sign-in until
// confirmTOTP.
func (s *Server) beginTOTP(w http.ResponseWriter, r *http.Request) {
	e, err := s.Auth.BeginTOTP(r.Context(), agentFrom(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	img, err := qrDataURL(e.OTPAuthURL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, totpEnrollment{e, img})
}

// confirmTOTP turns two-factor sign-in on with a code from the app, and
// answers the recovery codes (shown this once).
func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	codes, err := s.Auth.ConfirmTOTP(r.Context(), agentFrom(r).ID, req.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
}

// disableTOTP turns two-factor sign-in off after checking the password;
// admins cannot (403).
func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Auth.DisableTOTP(r.Context(), agentFrom(r).ID, req.Password, clientIP(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
