// Package httpx holds the small pieces of the HTTP edge that the web
// server and the surfaces it assembles (the help center, channels) share:
// writing JSON, reading a bounded JSON body, picking the reader's
// language, the contact a contact token authenticated, the client's
// address and serving embedded static files. Mapping errors to statuses
// stays in web, which passes its error writer to the surfaces that need
// one.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
)

// WriteJSON answers v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
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

// Decode reads a JSON body of at most limit bytes into v.
func Decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
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
