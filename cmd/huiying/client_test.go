package main

// A small client for Huiying's HTTP and WebSocket API, as a widget or an
// agent console would use it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const requestTimeout = 30 * time.Second

// api talks to one running server.
type api struct {
	base string
	hc   *http.Client
}

func newAPI(base string) *api {
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, DisableCompression: true}
	return &api{base: base, hc: &http.Client{Transport: tr, Timeout: requestTimeout}}
}

func (a *api) close() { a.hc.CloseIdleConnections() }

// do sends a JSON request (body may be nil) with an optional bearer token
// and returns the status and the raw response body. err is set only when no
// response arrived.
func (a *api) do(method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, raw, fmt.Errorf("read response: %w", err)
	}
	return resp.StatusCode, raw, nil
}

// must sends a request that has to answer with status want, and decodes the
// answer into out (which may be nil).
func (a *api) must(t *testing.T, want int, method, path, token string, body, out any) {
	t.Helper()
	status, raw, err := a.do(method, path, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

type startResp struct {
	ConversationID string `json:"conversation_id"`
	ContactToken   string `json:"contact_token"`
}

type ackResp struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	Duplicate bool   `json:"duplicate"`
}

type message struct {
	ID              string `json:"id"`
	ConversationID  string `json:"conversation_id"`
	Seq             int64  `json:"seq"`
	Direction       string `json:"direction"`
	Body            string `json:"body"`
	ClientMessageID string `json:"client_message_id"`
}

type conversation struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	LastSeq int64  `json:"last_seq"`
}

type event struct {
	ID             int64           `json:"id"`
	Type           string          `json:"type"`
	ConversationID string          `json:"conversation_id"`
	Seq            int64           `json:"seq"`
	Payload        json.RawMessage `json:"payload"`
}

type errorResp struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// startConversation starts a visitor's conversation in the inbox.
func (a *api) startConversation(t *testing.T, inboxKey string) startResp {
	t.Helper()
	var sr startResp
	a.must(t, http.StatusCreated, "POST", "/api/v1/widget/"+inboxKey+"/conversations", "", map[string]string{"name": "Visitor"}, &sr)
	if sr.ConversationID == "" || sr.ContactToken == "" {
		t.Fatalf("start conversation: incomplete answer %+v", sr)
	}
	return sr
}

// send posts a visitor message.
func (a *api) send(conv, token, clientID, body string) (int, []byte, error) {
	return a.do("POST", "/api/v1/widget/conversations/"+conv+"/messages", token,
		map[string]string{"client_message_id": clientID, "body": body})
}

// messages reads a conversation's whole timeline as its visitor sees it,
// page by page (the server returns at most 1000 messages per request).
func (a *api) messages(t *testing.T, conv, token string) []message {
	t.Helper()
	var all []message
	for {
		var page struct {
			Messages []message `json:"messages"`
		}
		after := int64(0)
		if len(all) > 0 {
			after = all[len(all)-1].Seq
		}
		a.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/widget/conversations/%s/messages?after=%d", conv, after), token, nil, &page)
		if len(page.Messages) == 0 {
			return all
		}
		all = append(all, page.Messages...)
	}
}

// wsStream is an open WebSocket whose frames a goroutine reads into a channel,
// so that the server's close handshake is always answered.
type wsStream struct {
	conn   *websocket.Conn
	frames chan []byte
	err    error // why reading stopped; read after frames is closed
}

// dialWS opens a WebSocket on the server at path with a bearer token.
func dialWS(t *testing.T, base, path, token string) *wsStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	url := "ws" + strings.TrimPrefix(base, "http") + path
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + token}},
	})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP status %d)", path, err, status)
	}
	conn.SetReadLimit(1 << 20)
	s := &wsStream{conn: conn, frames: make(chan []byte, 1024)}
	go func() {
		defer close(s.frames)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				s.err = err
				return
			}
			s.frames <- b
		}
	}()
	t.Cleanup(func() { conn.CloseNow() })
	return s
}

// next returns the first frame, skipping others, for which match reports
// true. It fails the test if none arrives within timeout or the stream
// ends; with soft set it returns nil on timeout instead.
func (s *wsStream) next(t *testing.T, timeout time.Duration, soft bool, what string, match func([]byte) bool) []byte {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case b, ok := <-s.frames:
			if !ok {
				t.Fatalf("WebSocket ended while waiting for %s: %v", what, s.err)
			}
			if match(b) {
				return b
			}
		case <-deadline:
			if soft {
				return nil
			}
			t.Fatalf("no %s on the WebSocket within %v", what, timeout)
		}
	}
}

// closed waits for the server to close the stream and returns the status.
func (s *wsStream) closed(t *testing.T, timeout time.Duration) websocket.StatusCode {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-s.frames:
			if !ok {
				return websocket.CloseStatus(s.err)
			}
		case <-deadline:
			t.Fatalf("WebSocket still open %v after the server was told to stop", timeout)
		}
	}
}
