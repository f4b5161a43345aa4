package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// What the edge does to every request before routing: it finds the client's
// address behind the configured reverse proxies, sends HSTS on HTTPS, and
// puts a deadline on reading the request body.

// DefaultBodyReadTimeout is how long a request body may take to arrive (plus
// time for its size, see bodyMinRate) unless Limits say otherwise.
const DefaultBodyReadTimeout = 30 * time.Second

// bodyMinRate is the slowest average rate, in bytes per second, a body may
// keep arriving at after the timeout: a large upload on a slow phone gets a
// second per 16 KiB received, a body trickled a byte at a time gets none.
const bodyMinRate = 16 << 10

// hsts is sent on every response to a request that came over HTTPS.
const hsts = "max-age=31536000"

const (
	httpsKey ctxKey = 100 + iota
	bodyKey
)

// edge wraps the mux with the per-request work above.
func (s *Server) edge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		https := r.TLS != nil
		if len(s.TrustedProxies) > 0 {
			var viaProxy bool
			r, viaProxy = s.behindProxy(r)
			if viaProxy && strings.EqualFold(strings.TrimSpace(lastValue(r.Header.Get("X-Forwarded-Proto"))), "https") {
				https = true
			}
		}
		if https {
			w.Header().Set("Strict-Transport-Security", hsts)
			r = r.WithContext(context.WithValue(r.Context(), httpsKey, true))
		}
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 && !isUpgrade(r) {
			if d := s.deadlineBody(w, r.Body); d != nil {
				r = r.WithContext(context.WithValue(r.Context(), bodyKey, d))
				r.Body = d
			}
		}
		next.ServeHTTP(w, r)
	})
}

// behindProxy replaces r.RemoteAddr with the client's address from
// X-Forwarded-For when the connection comes from a trusted proxy: the
// rightmost address that is not itself a trusted proxy (a client can
// prepend anything it likes; only what the proxies appended is true).
func (s *Server) behindProxy(r *http.Request) (*http.Request, bool) {
	peer, ok := addrOf(r.RemoteAddr)
	if !ok || !s.trusted(peer) {
		return r, false
	}
	hops := r.Header.Values("X-Forwarded-For")
	var chain []string
	for _, h := range hops {
		chain = append(chain, strings.Split(h, ",")...)
	}
	client := ""
	for i := len(chain) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(chain[i]))
		if err != nil {
			break // garbage: stop at the last address we could read
		}
		client = a.Unmap().String()
		if !s.trusted(a.Unmap()) {
			break
		}
	}
	if client == "" {
		return r, true
	}
	r2 := r.Clone(r.Context())
	r2.RemoteAddr = net.JoinHostPort(client, "0")
	return r2, true
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func addrOf(remote string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

func lastValue(h string) string {
	if i := strings.LastIndexByte(h, ','); i >= 0 {
		return h[i+1:]
	}
	return h
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// viaHTTPS reports whether the request reached us over HTTPS.
func viaHTTPS(r *http.Request) bool {
	v, _ := r.Context().Value(httpsKey).(bool)
	return v
}

// deadlineBody sets a read deadline on the connection for the body
// (http.Server.ReadTimeout would also cut WebSockets, which read for
// hours). The deadline moves out as data arrives (bodyMinRate) and is
// lifted once the body has been read, so a slow handler's own work is not
// cut short.
func (s *Server) deadlineBody(w http.ResponseWriter, body io.ReadCloser) *deadlineReader {
	rc := http.NewResponseController(w)
	start := time.Now()
	d := s.Limits.BodyReadTimeout
	if rc.SetReadDeadline(start.Add(d)) != nil {
		return nil // not a real connection (a test recorder)
	}
	return &deadlineReader{ReadCloser: body, rc: rc, start: start, timeout: d}
}

type deadlineReader struct {
	io.ReadCloser
	rc       *http.ResponseController
	start    time.Time
	timeout  time.Duration
	read     int64
	granted  time.Duration // the grace for size last added to the deadline
	done     bool
	timedOut atomic.Bool
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	d.read += int64(n)
	switch {
	case err == io.EOF && !d.done:
		d.done = true
		_ = d.rc.SetReadDeadline(time.Time{})
	case err != nil && isTimeout(err):
		d.timedOut.Store(true)
	case n > 0 && !d.done:
		// Moved a second at a time: most bodies are read in one or two
		// calls and never move it at all.
		if grace := time.Duration(d.read) * time.Second / bodyMinRate; grace-d.granted >= time.Second {
			d.granted = grace
			_ = d.rc.SetReadDeadline(d.start.Add(d.timeout + grace))
		}
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// bodyTimedOut reports whether reading r's body hit the deadline, however
// the handler wrapped the body or the error.
func bodyTimedOut(r *http.Request) bool {
	d, ok := r.Context().Value(bodyKey).(*deadlineReader)
	return ok && d.timedOut.Load()
}

// apiHeaders sets, on every API answer, what writeJSON sets on JSON ones:
// handlers that stream other content (attachments, CSV) may override
// Cache-Control.
func apiHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
