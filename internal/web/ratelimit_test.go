package web_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/ratelimit"
)

// limitedServer starts a server behind a "proxy" at 127.0.0.1, so each test
// client can be a different address through X-Forwarded-For.
func limitedServer(t *testing.T, edit func(*config.Rates)) *apptest.Server {
	t.Helper()
	return apptest.StartWith(t, "sqlite", func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		edit(&c.Rates)
	})
}

// from sends a request as if from the client address ip (via the trusted
// proxy) and returns the response and its body.
func from(t *testing.T, s *apptest.Server, ip, method, path, token string, body any) (*http.Response, []byte) {
	t.Helper()
	req := s.NewRequest(t, method, path, body)
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.RoundTrip(t, req)
}

// checkLimited checks a refusal: 429, a JSON error a client can act on, and
// Retry-After in whole seconds.
func checkLimited(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d (%s), want 429", resp.StatusCode, body)
	}
	if code := apptest.ErrorCode(t, body); code != "rate_limited" {
		t.Fatalf("error code %q, want rate_limited", code)
	}
	if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After = %q, want whole seconds ≥ 1", resp.Header.Get("Retry-After"))
	}
}

// The attack: 2,000 conversations started from one client buried the real
// ones. Now one address gets its burst, then 429 with Retry-After, and
// everyone else is unaffected.
func TestConversationStartsAreLimitedPerIP(t *testing.T) {
	s := limitedServer(t, func(r *config.Rates) {
		r.ConversationsPerIP = ratelimit.Rate{Events: 10, Per: time.Minute, Burst: 5}
	})
	path := "/api/v1/widget/" + s.InboxKey + "/conversations"
	before := s.Count(t, "SELECT COUNT(*) FROM conversations")
	start := time.Now()
	created, refused := 0, 0
	for range 2000 {
		resp, body := from(t, s, "203.0.113.7", "POST", path, "", nil)
		switch resp.StatusCode {
		case http.StatusCreated:
			created++
		default:
			checkLimited(t, resp, body)
			refused++
		}
	}
	// The burst, plus one per 6 s the loop took.
	if most := 5 + int(time.Since(start)/(6*time.Second)); created < 5 || created > most {
		t.Fatalf("%d of 2,000 starts from one address created a conversation; want 5 to %d", created, most)
	}
	if got := s.Count(t, "SELECT COUNT(*) FROM conversations") - before; got != created {
		t.Fatalf("%d conversations stored, want %d", got, created)
	}
	// Other clients still start theirs.
	for i := range 20 {
		resp, body := from(t, s, fmt.Sprintf("198.51.100.%d", i+1), "POST", path, "", nil)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("another client got %d (%s)", resp.StatusCode, body)
		}
	}
	// The message is in the visitor's language.
	req := s.NewRequest(t, "POST", path, nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	resp, body := s.RoundTrip(t, req)
	checkLimited(t, resp, body)
	if !strings.Contains(string(body), "秒后再试") {
		t.Fatalf("Chinese refusal = %s", body)
	}
}

// X-Forwarded-For is believed only from a configured proxy: a client that
// sets it itself is still limited by its own address.
func TestSpoofedForwardedForDoesNotEscapeTheLimit(t *testing.T) {
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) {
		c.Rates.ConversationsPerIP = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 3}
	})
	path := "/api/v1/widget/" + s.InboxKey + "/conversations"
	for i := range 3 {
		if resp, body := from(t, s, fmt.Sprint("10.9.9.", i), "POST", path, "", nil); resp.StatusCode != http.StatusCreated {
			t.Fatalf("start %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := from(t, s, "10.9.9.200", "POST", path, "", nil)
	checkLimited(t, resp, body)
}

// Many addresses together are bounded by the inbox's own bucket, and one
// address's refusals do not spend it.
func TestConversationStartsAreLimitedPerInbox(t *testing.T) {
	s := limitedServer(t, func(r *config.Rates) {
		r.ConversationsPerIP = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 2}
		r.ConversationsPerInbox = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 10}
	})
	path := "/api/v1/widget/" + s.InboxKey + "/conversations"
	for range 50 { // one noisy address: 2 created, 48 refused by its own bucket
		from(t, s, "203.0.113.9", "POST", path, "", nil)
	}
	created := 2
	for i := range 30 {
		resp, body := from(t, s, fmt.Sprintf("198.51.100.%d", i+1), "POST", path, "", nil)
		if resp.StatusCode == http.StatusCreated {
			created++
			continue
		}
		checkLimited(t, resp, body)
	}
	if created != 10 {
		t.Fatalf("%d conversations created in the inbox; want its burst, 10", created)
	}
}

// Messages are limited per visitor and per address; a visitor's refused
// messages are not stored.
func TestMessagesAreLimitedPerContactAndIP(t *testing.T) {
	s := limitedServer(t, func(r *config.Rates) {
		r.MessagesPerContact = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 20}
		r.MessagesPerIP = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 30}
	})
	start := func(ip string) (string, string) {
		resp, body := from(t, s, ip, "POST", "/api/v1/widget/"+s.InboxKey+"/conversations", "", nil)
		var out struct {
			ConversationID string `json:"conversation_id"`
			ContactToken   string `json:"contact_token"`
		}
		if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &out) != nil {
			t.Fatalf("start: %d %s", resp.StatusCode, body)
		}
		return out.ConversationID, out.ContactToken
	}
	send := func(ip, conv, tok string, i int) (*http.Response, []byte) {
		return from(t, s, ip, "POST", "/api/v1/widget/conversations/"+conv+"/messages", tok,
			map[string]string{"client_message_id": fmt.Sprint("c", i), "body": "hello"})
	}
	conv, tok := start("203.0.113.1")
	sent := 0
	for i := range 500 {
		resp, body := send("203.0.113.1", conv, tok, i)
		if resp.StatusCode == http.StatusCreated {
			sent++
			continue
		}
		checkLimited(t, resp, body)
	}
	if sent != 20 || s.Messages(t, conv) != 20 {
		t.Fatalf("%d of 500 messages accepted, %d stored; want the visitor's burst, 20", sent, s.Messages(t, conv))
	}
	// A second visitor from the same address has its own 20, but the
	// address has only 10 left.
	conv2, tok2 := start("203.0.113.1")
	sent = 0
	for i := range 20 {
		if resp, _ := send("203.0.113.1", conv2, tok2, i); resp.StatusCode == http.StatusCreated {
			sent++
		}
	}
	if sent != 10 {
		t.Fatalf("the address's second visitor sent %d; want the 10 left of the address's 30", sent)
	}
	// A visitor elsewhere is unaffected.
	conv3, tok3 := start("198.51.100.1")
	if resp, body := send("198.51.100.1", conv3, tok3, 0); resp.StatusCode != http.StatusCreated {
		t.Fatalf("a visitor at another address got %d %s", resp.StatusCode, body)
	}
}

func TestUploadsAreLimitedPerContact(t *testing.T) {
	s := limitedServer(t, func(r *config.Rates) {
		r.UploadsPerContact = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 3}
	})
	conv, tok := s.StartConversation(t)
	path := "/api/v1/widget/conversations/" + conv + "/attachments"
	for i := range 3 {
		if st, body := s.Upload(t, path, tok, "a.png", apptest.PNG(t), nil); st != http.StatusCreated {
			t.Fatalf("upload %d: %d %s", i+1, st, body)
		}
	}
	st, body := s.Upload(t, path, tok, "a.png", apptest.PNG(t), nil)
	if st != http.StatusTooManyRequests || apptest.ErrorCode(t, body) != "rate_limited" {
		t.Fatalf("4th upload: %d %s; want 429 rate_limited", st, body)
	}
}

// A refusal does not wait for the body: a flooder trickling bodies gets
// its 429 at once and loses the connection, instead of holding it for
// the body timeout.
func TestRefusalDoesNotWaitForTheBody(t *testing.T) {
	s := apptest.StartWith(t, "sqlite", func(c *config.Config) {
		c.Rates.ConversationsPerIP = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 1}
	})
	s.StartConversation(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	_, err = io.WriteString(conn, "POST /api/v1/widget/"+s.InboxKey+"/conversations HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after %v: %v", time.Since(start), err)
	}
	resp.Body.Close()
	if took := time.Since(start); resp.StatusCode != http.StatusTooManyRequests || took > 5*time.Second || !resp.Close {
		t.Fatalf("answered %d after %v (close %v); want 429 at once, closing the connection", resp.StatusCode, took, resp.Close)
	}
}

// A flood of sign-ins from one address is refused at the edge, before the
// attempt limits' write transaction: the refused requests record nothing,
// and another address still reaches the password check.
func TestSignInRequestsAreLimitedPerIP(t *testing.T) {
	s := limitedServer(t, func(r *config.Rates) {
		r.SignInsPerIP = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 5}
	})
	wrong := map[string]string{"email": "admin@huiying.local", "password": "not the password"}
	unauthorized := 0
	for range 50 {
		resp, body := from(t, s, "203.0.113.9", "POST", "/api/v1/session", "", wrong)
		if resp.StatusCode == http.StatusUnauthorized {
			unauthorized++
			continue
		}
		checkLimited(t, resp, body)
	}
	if unauthorized != 5 {
		t.Fatalf("%d of 50 sign-ins reached the password check, want the burst of 5", unauthorized)
	}
	if n := s.Count(t, "SELECT COUNT(*) FROM login_failures WHERE ip = '203.0.113.9'"); n != 5 {
		t.Fatalf("%d failures recorded for the address, want 5 (refusals write nothing)", n)
	}
	if resp, body := from(t, s, "198.51.100.9", "POST", "/api/v1/session", "", wrong); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("another address got %d (%s), want 401", resp.StatusCode, body)
	}
}

// Many addresses together, each within its own limits, are bounded by the
// inbox's bucket; a message to a conversation that is not the caller's
// spends nothing of it.
func TestMessagesAreLimitedPerInbox(t *testing.T) {
	s := limitedServer(t, func(r *config.Rates) {
		r.MessagesPerInbox = ratelimit.Rate{Events: 1, Per: time.Hour, Burst: 30}
	})
	type visitor struct{ ip, conv, tok string }
	var vs []visitor
	for i := range 10 {
		ip := fmt.Sprintf("198.51.100.%d", i+1)
		resp, body := from(t, s, ip, "POST", "/api/v1/widget/"+s.InboxKey+"/conversations", "", nil)
		var out struct {
			ConversationID string `json:"conversation_id"`
			ContactToken   string `json:"contact_token"`
		}
		if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &out) != nil {
			t.Fatalf("start: %d %s", resp.StatusCode, body)
		}
		vs = append(vs, visitor{ip, out.ConversationID, out.ContactToken})
	}
	send := func(v visitor, conv string, i int) (*http.Response, []byte) {
		return from(t, s, v.ip, "POST", "/api/v1/widget/conversations/"+conv+"/messages", v.tok,
			map[string]string{"client_message_id": fmt.Sprint("m", i), "body": "hello"})
	}
	// Posting into another visitor's conversation is a 404 and costs the
	// inbox nothing.
	for i := range 20 {
		if resp, body := send(vs[0], vs[1].conv, i); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("message into another's conversation: %d %s", resp.StatusCode, body)
		}
	}
	accepted := 0
	for i := range 5 {
		for _, v := range vs {
			resp, body := send(v, v.conv, i)
			if resp.StatusCode == http.StatusCreated {
				accepted++
				continue
			}
			checkLimited(t, resp, body)
		}
	}
	if accepted != 30 {
		t.Fatalf("%d of 50 messages from 10 addresses accepted; want the inbox's burst, 30", accepted)
	}
	stored := 0
	for _, v := range vs {
		stored += s.Messages(t, v.conv)
	}
	if stored < 30 {
		t.Fatalf("%d messages stored, want at least the 30 accepted", stored)
	}
}
