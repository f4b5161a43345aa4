package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// API answers are per user and often sensitive (conversations, tokens):
	// no cache, shared or private, keeps them; and no browser may read one
	// as anything but JSON.
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

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

// decode reads a JSON body of at most limit bytes into v.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	// The Content-Type is not checked: curl and many HTTP libraries send
	// form types by default, and the body must parse as JSON anyway.
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.TooLarge, "request body is larger than %d bytes", limit)
		}
		if errors.Is(err, io.EOF) {
			return apperr.New(apperr.BadJSON, "request body is empty; send a JSON object")
		}
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return apperr.New(apperr.Invalid, "field %q must be %s", ute.Field, ute.Type.String())
		}
		return apperr.New(apperr.BadJSON, "request body is not valid JSON: %s", err.Error())
	}
	if dec.More() {
		return apperr.New(apperr.BadJSON, "request body has data after the JSON object")
	}
	return nil
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
