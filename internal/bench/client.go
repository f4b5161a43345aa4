package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxResponse bounds how much of a response body is read.
const maxResponse = 1 << 20

// newHTTPClient returns the client shared by all users: plain HTTP/1.1
// keep-alive connections to a single host, one per concurrent user, with no
// cap on connections and no response compression.
func newHTTPClient(users int) *http.Client {
	tr := &http.Transport{
		// A benchmark talks to the server directly, never via a proxy.
		Proxy: nil,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          0, // no overall limit
		MaxIdleConnsPerHost:   users,
		MaxConnsPerHost:       0, // no limit
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		// One connection per user, like real widget clients, also over TLS.
		ForceAttemptHTTP2: false,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// apiError is an error response from the server.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	var b strings.Builder
	b.WriteString("HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// newAPIError builds the error for a response with an unexpected status from
// its body, which normally is {"error":{"code":…,"message":…}}.
func newAPIError(status int, body []byte) *apiError {
	e := &apiError{Status: status}
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && (env.Error.Code != "" || env.Error.Message != "") {
		e.Code, e.Message = env.Error.Code, env.Error.Message
		return e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	e.Message = msg
	return e
}

// errResponseTooLarge is returned for a response body over maxResponse.
var errResponseTooLarge = errors.New("response body too large")

// readBody reads all of r into buf[:0], growing buf as needed, and returns
// it. It fails with errResponseTooLarge once more than limit bytes arrive.
func readBody(buf []byte, r io.Reader, limit int) ([]byte, error) {
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 512)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return buf, errResponseTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// conversation is a created widget conversation.
type conversation struct {
	ID    string `json:"conversation_id"`
	Token string `json:"contact_token"`
}

// createConversation starts a widget conversation in the inbox as a new
// contact named name with the given email.
func createConversation(ctx context.Context, hc *http.Client, base, inboxKey, name, email string) (conversation, error) {
	body, err := json.Marshal(struct {
		Name  string `json:"name,omitempty"`
		Email string `json:"email,omitempty"`
	}{name, email})
	if err != nil {
		return conversation{}, err
	}
	u := base + "/api/v1/widget/" + url.PathEscape(inboxKey) + "/conversations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return conversation{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return conversation{}, err
	}
	defer resp.Body.Close()
	data, err := readBody(nil, resp.Body, maxResponse)
	if err != nil {
		return conversation{}, err
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return conversation{}, newAPIError(resp.StatusCode, data)
	}
	var c conversation
	if err := json.Unmarshal(data, &c); err != nil {
		return conversation{}, fmt.Errorf("malformed response: %w", err)
	}
	if c.ID == "" || c.Token == "" {
		return conversation{}, errors.New("malformed response: missing conversation_id or contact_token")
	}
	return c, nil
}
