package web_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/config"
)

// The attack: a body sent a byte every few seconds held a connection (and a
// handler goroutine) for as long as the client liked. Now the body must
// arrive within the body read timeout, or the client gets 408 and the
// connection is closed. Over a real TCP connection on loopback, with the
// timeout shortened to 1 s and a byte every 0.5 s.
func TestSlowBodyIsCutOffWith408(t *testing.T) {
	const timeout = time.Second
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.BodyReadTimeout = timeout })
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /api/v1/widget/" + s.InboxKey + "/conversations HTTP/1.1\r\nHost: x\r\n" +
		"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	defer func() { close(stop); <-done }()

	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response to the slow body after %v: %v", time.Since(start), err)
	}
	body, _ := io.ReadAll(resp.Body)
	took := time.Since(start)
	t.Logf("slow body answered %d after %v", resp.StatusCode, took)
	if resp.StatusCode != http.StatusRequestTimeout || apptest.ErrorCode(t, body) != "request_timeout" {
		t.Fatalf("slow body answered %d %s; want 408 request_timeout", resp.StatusCode, body)
	}
	// The deadline is 1 s after the headers (plus nothing for 2 bytes); a
	// loaded machine may answer a little later, never much.
	if took < timeout || took > timeout+4*time.Second {
		t.Fatalf("the slow body was cut off after %v; want about %v", took, timeout)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || !resp.Close {
		t.Fatalf("408 headers = %v (close %v); want no-store and the connection closed", resp.Header, resp.Close)
	}
}

// slowReader hands out its data in chunks with a pause before each.
type slowReader struct {
	data  []byte
	chunk int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(p[:min(len(p), r.chunk)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// A large upload that keeps coming at a fair rate (here 50 KiB/s, 3 s for
// 150 KiB against a 1 s timeout) is not cut off: the deadline moves out a
// second per 16 KiB received.
func TestSteadyLargeBodyOutlastsTheTimeout(t *testing.T) {
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.BodyReadTimeout = time.Second })
	conv, tok := s.StartConversation(t)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "notes.txt")
	_, _ = fw.Write(bytes.Repeat([]byte("the transfer is still pending after an hour\n"), 150<<10/44))
	_ = mw.Close()
	size := int64(b.Len())
	req, err := http.NewRequest("POST", s.URL+"/api/v1/widget/conversations/"+conv+"/attachments",
		&slowReader{data: b.Bytes(), chunk: 5 << 10, pause: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	st, body := s.DoRequest(t, req, tok)
	if took := time.Since(start); took < 2*time.Second {
		t.Fatalf("the upload took only %v; the test must outlast the 1 s timeout", took)
	}
	if st == http.StatusRequestTimeout || st >= 500 {
		t.Fatalf("a steady upload answered %d %s", st, body)
	}
}

// A WebSocket reads for as long as it is open: the body deadline must not
// touch it.
func TestWebSocketOutlivesTheBodyTimeout(t *testing.T) {
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) { c.BodyReadTimeout = time.Second })
	conv, tok := s.StartConversation(t)
	c := s.DialWS(t, "/ws/contact?conversation="+conv+"&after=0", tok)
	time.Sleep(2500 * time.Millisecond)
	s.Send(t, conv, tok, "m1", "still there?")
	expectMessages(t, c, conv, 1)
}

func TestHSTSOnlyOverHTTPS(t *testing.T) {
	behind := apptest.StartWith(t, "sqlite", func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	direct := apptest.Start(t, "sqlite")
	get := func(s *apptest.Server, path, proto string) http.Header {
		req := s.NewRequest(t, "GET", path, nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, _ := s.RoundTrip(t, req)
		return resp.Header
	}
	for _, path := range []string{"/healthz", "/", "/help/en", "/api/v1/openapi.json"} {
		if h := get(behind, path, "https").Get("Strict-Transport-Security"); h != "max-age=31536000" {
			t.Errorf("GET %s through a trusted proxy over https: HSTS %q", path, h)
		}
		if h := get(behind, path, "http").Get("Strict-Transport-Security"); h != "" {
			t.Errorf("GET %s through a trusted proxy over http: HSTS %q, want none", path, h)
		}
		// Anyone can send X-Forwarded-Proto; only a trusted proxy is believed.
		if h := get(direct, path, "https").Get("Strict-Transport-Security"); h != "" {
			t.Errorf("GET %s with X-Forwarded-Proto from an untrusted client: HSTS %q, want none", path, h)
		}
	}
	// Served over TLS itself.
	ts := httptest.NewTLSServer(direct.App.Handler())
	defer ts.Close()
	cl := ts.Client()
	cl.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	resp, err := cl.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := resp.Header.Get("Strict-Transport-Security"); h != "max-age=31536000" {
		t.Fatalf("over TLS: HSTS %q", h)
	}
}

func TestAPIResponsesAreNotCachedOrSniffed(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	conv, tok := s.StartConversation(t)
	for _, tc := range []struct{ method, path, token string }{
		{"GET", "/api/v1/conversations", s.AdminToken},
		{"GET", "/api/v1/conversations/" + conv, s.AdminToken},
		{"GET", "/api/v1/widget/conversations/" + conv + "/messages", tok},
		{"GET", "/api/v1/widget/conversations/" + conv + "/messages", ""}, // 401
		{"GET", "/api/v1/no-such-route", ""},                              // 404
		{"GET", "/api/v1/openapi.json", ""},
		{"GET", "/healthz", ""},
	} {
		req := s.NewRequest(t, tc.method, tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, _ := s.RoundTrip(t, req)
		if cc, ns := resp.Header.Get("Cache-Control"), resp.Header.Get("X-Content-Type-Options"); cc != "no-store" || ns != "nosniff" {
			t.Errorf("%s %s (%d): Cache-Control %q, X-Content-Type-Options %q; want no-store, nosniff",
				tc.method, tc.path, resp.StatusCode, cc, ns)
		}
	}
}

// connect-src allowed any ws:/wss: host, so an injected script could
// stream the console's data anywhere; 'self' covers our own WebSockets.
func TestCSPConnectsOnlyToSelf(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	for _, path := range []string{"/", "/chat/" + s.InboxKey, "/verify", "/help/en"} {
		resp, _ := s.RoundTrip(t, s.NewRequest(t, "GET", path, nil))
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "connect-src 'self';") || strings.Contains(csp, "ws:") || strings.Contains(csp, "wss:") {
			t.Errorf("GET %s: CSP %q; want connect-src 'self' only", path, csp)
		}
	}
}
