package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/web/httpx"
)

// errorBody is the one error shape every API response uses.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

var statusOf = map[string]int{
	apperr.Invalid:       http.StatusBadRequest,
	apperr.BadJSON:       http.StatusBadRequest,
	apperr.AsksForSecret: http.StatusBadRequest,
	apperr.Unauthorized:  http.StatusUnauthorized,
	apperr.Forbidden:     http.StatusForbidden,
	apperr.CSRF:          http.StatusForbidden,
	apperr.NotFound:      http.StatusNotFound,
	apperr.Conflict:      http.StatusConflict,
	apperr.TooLarge:      http.StatusRequestEntityTooLarge,
	apperr.Unsupported:   http.StatusUnsupportedMediaType,
	apperr.RateLimited:   http.StatusTooManyRequests,
	apperr.Unavailable:   http.StatusServiceUnavailable,

	apperr.ContainsSecret:    http.StatusUnprocessableEntity,
	apperr.TOTPRequired:      http.StatusUnauthorized,
	apperr.TOTPSetupRequired: http.StatusForbidden,
}

// writeJSON answers v as JSON (httpx.WriteJSON, shared with the help
// center).
func writeJSON(w http.ResponseWriter, status int, v any) { httpx.WriteJSON(w, status, v) }

// fail writes err as a JSON error. Application errors carry their own code
// and message; anything else is logged once and shown as "Internal error."
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apperr.Error
	var body errorBody
	status := http.StatusInternalServerError
	if bodyTimedOut(r) {
		// Checked first: the failed read also cancelled the request's
		// context, but the client is still there to read this.
		w.Header().Set("Connection", "close")
		writeJSON(w, http.StatusRequestTimeout, errBody("request_timeout",
			"the request body did not arrive in time; send it again"))
		return
	}
	if errors.As(err, &ae) {
		status = statusOf[ae.Code]
		if status == 0 {
			status = http.StatusBadRequest
		}
		body.Error.Code, body.Error.Message = ae.Code, ae.Message
		if ae.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((ae.RetryAfter+time.Second-1)/time.Second)))
		}
	} else if r.Context().Err() != nil {
		return // the client went away; nobody reads the answer
	} else {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Code, body.Error.Message = "internal", "Internal error."
	}
	writeJSON(w, status, body)
}

// decode reads a JSON body of at most limit bytes into v (httpx.Decode).
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	return httpx.Decode(w, r, limit, v)
}

// bearer returns the token from "Authorization: Bearer …".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(tok)
	}
	return ""
}

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				var body errorBody
				body.Error.Code, body.Error.Message = "internal", "Internal error."
				writeJSON(w, http.StatusInternalServerError, body)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
