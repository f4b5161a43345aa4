package httpx

import (
	"context"
	"net"
	"net/http"
	"strconv"

	"github.com/huiying/huiying/internal/apperr"
)

type ctxKey int

const contactKey ctxKey = iota

// WithContact returns r carrying the contact its contact token
// authenticated (the route guard calls it before a contact route runs).
func WithContact(r *http.Request, contactID string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), contactKey, contactID))
}

// ContactFrom returns the contact the request's token authenticated, or ""
// when it carries none.
func ContactFrom(r *http.Request) string {
	id, _ := r.Context().Value(contactKey).(string)
	return id
}

// ClientIP is the address the request came from. X-Forwarded-For is not
// read here (any client can set it): the edge has already replaced
// RemoteAddr with the client's address when a --trusted-proxies proxy sent
// the request.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// SeqParam reads the query parameter name as a sequence number or event id
// to read after (0 when absent).
func SeqParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New(apperr.Invalid, "%s must be a sequence number (0 or more), got %q", name, v)
	}
	return n, nil
}
