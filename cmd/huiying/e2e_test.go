package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const (
	wsTimeout       = 30 * time.Second // how long a pushed frame may take to arrive
	shutdownTimeout = 15 * time.Second // --shutdown-timeout given to the server
)

// TestEndToEnd runs the binary and plays one support conversation through
// the public API: a visitor writes, an agent sees it live, replies, the
// visitor sees the reply live, answers, and the agent resolves it. Then
// SIGTERM stops the server cleanly.
func TestEndToEnd(t *testing.T) {
	data := t.TempDir()

	version := strings.TrimSpace(runCLI(t, "version"))
	if !regexp.MustCompile(`^huiying \S+$`).MatchString(version) {
		t.Fatalf("huiying version printed %q, want \"huiying VERSION\"", version)
	}

	srv := startServer(t, serverOpts{data: data, extra: []string{
		"--log-format", "json", "--shutdown-timeout", shutdownTimeout.String()}})
	out := srv.stdout.String()
	for _, want := range []string{"First start", "admin@huiying.local", "Huiying " + strings.TrimPrefix(version, "huiying ") + " is listening on"} {
		if !strings.Contains(out, want) {
			t.Errorf("first start output lacks %q:\n%s", want, out)
		}
	}
	a := newAPI(srv.URL)
	defer a.close()

	for _, path := range []string{"/healthz", "/readyz"} {
		var body map[string]string
		a.must(t, http.StatusOK, "GET", path, "", nil, &body)
		if body["status"] == "" {
			t.Errorf("GET %s: no status in %v", path, body)
		}
	}

	var inboxes []struct {
		PublicKey string `json:"public_key"`
	}
	if err := json.Unmarshal([]byte(runCLI(t, "inbox", "list", "--data", data, "--json")), &inboxes); err != nil {
		t.Fatalf("inbox list --json: %v", err)
	}
	if len(inboxes) != 1 || inboxes[0].PublicKey == "" {
		t.Fatalf("inbox list --json: want the one first-start inbox with a key, got %+v", inboxes)
	}
	// This test follows a conversation with a person; the FAQ bot has tests
	// of its own.
	if out := runCLI(t, "inbox", "bot", "--off", "--data", data); !strings.Contains(out, "bot off in Web chat") {
		t.Fatalf("inbox bot --off printed %q", out)
	}
	agentToken := strings.TrimSpace(runCLI(t, "token", "create", "--data", data, "--agent", "admin@huiying.local"))
	if agentToken == "" || strings.ContainsAny(agentToken, " \n") {
		t.Fatalf("token create printed %q, want one token", agentToken)
	}
	var me struct {
		Email string `json:"email"`
	}
	a.must(t, http.StatusOK, "GET", "/api/v1/me", agentToken, nil, &me)
	if me.Email != "admin@huiying.local" {
		t.Errorf("GET /api/v1/me with the new token: email %q, want admin@huiying.local", me.Email)
	}

	// The visitor starts a chat and listens for messages.
	visitor := a.startConversation(t, inboxes[0].PublicKey)
	conv := visitor.ConversationID
	contactWS := dialWS(t, srv.URL, "/ws/contact?after=0&conversation="+conv, visitor.ContactToken)

	// The agent console listens for events.
	agentWS := dialWS(t, srv.URL, "/ws/agent", agentToken)
	waitAgentStreamLive(t, a, agentWS, agentToken, conv)

	// Visitor → agent.
	first := sendOK(t, a, visitor, "e2e-1", "Hello, my withdrawal is stuck.", http.StatusCreated)
	if first.Seq != 1 {
		t.Errorf("first message seq %d, want 1", first.Seq)
	}
	if retry := sendOK(t, a, visitor, "e2e-1", "Hello, my withdrawal is stuck.", http.StatusOK); retry.MessageID != first.MessageID || retry.Seq != first.Seq || !retry.Duplicate {
		t.Errorf("retry with the same client_message_id: %+v, want the original %+v marked duplicate", retry, first)
	}
	waitMessageEvent(t, agentWS, conv, first.Seq, "inbound", "Hello, my withdrawal is stuck.")

	var list struct {
		Conversations []conversation `json:"conversations"`
	}
	a.must(t, http.StatusOK, "GET", "/api/v1/conversations", agentToken, nil, &list)
	if !hasConversation(list.Conversations, conv, "open") {
		t.Errorf("GET /api/v1/conversations: %s not listed as open in %+v", conv, list.Conversations)
	}

	// Agent → visitor.
	var reply message
	a.must(t, http.StatusCreated, "POST", "/api/v1/conversations/"+conv+"/messages", agentToken,
		map[string]string{"body": "Sorry about that! Which transaction?"}, &reply)
	if reply.Seq != 2 || reply.Direction != "outbound" {
		t.Errorf("agent reply: %+v, want seq 2 outbound", reply)
	}
	waitContactMessage(t, contactWS, reply.Seq, "outbound", "Sorry about that! Which transaction?")

	// Visitor answers; the agent sees it.
	answer := sendOK(t, a, visitor, "e2e-2", "The one from this morning.", http.StatusCreated)
	if answer.Seq != 3 {
		t.Errorf("answer seq %d, want 3", answer.Seq)
	}
	waitMessageEvent(t, agentWS, conv, answer.Seq, "inbound", "The one from this morning.")
	waitContactMessage(t, contactWS, answer.Seq, "inbound", "The one from this morning.")

	// The agent resolves the conversation.
	var patched, got conversation
	a.must(t, http.StatusOK, "PATCH", "/api/v1/conversations/"+conv, agentToken, map[string]string{"status": "resolved"}, &patched)
	a.must(t, http.StatusOK, "GET", "/api/v1/conversations/"+conv, agentToken, nil, &got)
	if patched.Status != "resolved" || got.Status != "resolved" || got.LastSeq != 3 {
		t.Errorf("after resolving: PATCH answered %+v, GET answered %+v; want status resolved, last_seq 3", patched, got)
	}

	msgs := a.messages(t, conv, visitor.ContactToken)
	var timeline []string
	for _, m := range msgs {
		timeline = append(timeline, fmt.Sprintf("%d %s %s", m.Seq, m.Direction, m.Body))
	}
	want := []string{"1 inbound Hello, my withdrawal is stuck.", "2 outbound Sorry about that! Which transaction?", "3 inbound The one from this morning."}
	if strings.Join(timeline, "\n") != strings.Join(want, "\n") {
		t.Errorf("visitor's timeline:\n%s\nwant:\n%s", strings.Join(timeline, "\n"), strings.Join(want, "\n"))
	}

	// SIGTERM: streams are told to reconnect, the process exits 0 in time.
	took := srv.terminate(t)
	if took > shutdownTimeout {
		t.Errorf("graceful stop took %v, longer than the shutdown timeout %v", took, shutdownTimeout)
	}
	for name, ws := range map[string]*wsStream{"contact": contactWS, "agent": agentWS} {
		if code := ws.closed(t, wsTimeout); code != websocket.StatusGoingAway {
			t.Errorf("%s WebSocket closed with %v (%v), want %v", name, code, ws.err, websocket.StatusGoingAway)
		}
	}
	checkJSONLog(t, srv.stderr.String(), "listening", "shutting down", "stopped")
}

func sendOK(t *testing.T, a *api, v startResp, clientID, body string, want int) ackResp {
	t.Helper()
	var ack ackResp
	a.must(t, want, "POST", "/api/v1/widget/conversations/"+v.ConversationID+"/messages", v.ContactToken,
		map[string]string{"client_message_id": clientID, "body": body}, &ack)
	if ack.MessageID == "" || ack.Seq < 1 {
		t.Fatalf("send %s: incomplete ack %+v", clientID, ack)
	}
	return ack
}

func hasConversation(cs []conversation, id, status string) bool {
	for _, c := range cs {
		if c.ID == id && c.Status == status {
			return true
		}
	}
	return false
}

// waitAgentStreamLive makes sure the agent stream delivers events before the
// test relies on it. A new /ws/agent stream starts at the newest event it
// reads after the handshake, so an event committed in between is not sent;
// the probe (a harmless attribute change) is repeated until one arrives.
func waitAgentStreamLive(t *testing.T, a *api, ws *wsStream, token, conv string) {
	t.Helper()
	deadline := time.Now().Add(wsTimeout)
	for i := 1; ; i++ {
		a.must(t, http.StatusOK, "PATCH", "/api/v1/conversations/"+conv, token,
			map[string]any{"attributes": map[string]string{"e2e_probe": fmt.Sprint(i)}}, nil)
		got := ws.next(t, time.Second, true, "conversation.updated", func(b []byte) bool {
			var f struct{ Event event }
			return json.Unmarshal(b, &f) == nil && f.Event.Type == "conversation.updated" && f.Event.ConversationID == conv
		})
		if got != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the agent WebSocket delivered none of %d conversation.updated events within %v", i, wsTimeout)
		}
	}
}

// waitMessageEvent waits on the agent stream for message.created of seq.
func waitMessageEvent(t *testing.T, ws *wsStream, conv string, seq int64, dir, body string) {
	t.Helper()
	b := ws.next(t, wsTimeout, false, fmt.Sprintf("message.created for seq %d", seq), func(b []byte) bool {
		var f struct {
			Type  string
			Event event
		}
		return json.Unmarshal(b, &f) == nil && f.Type == "event" && f.Event.Type == "message.created" &&
			f.Event.ConversationID == conv && f.Event.Seq == seq
	})
	var f struct {
		Event struct {
			Payload struct{ Message message }
		}
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode agent event %s: %v", b, err)
	}
	if m := f.Event.Payload.Message; m.Body != body || m.Direction != dir || m.Seq != seq || m.ConversationID != conv {
		t.Errorf("agent event for seq %d carries %+v, want %s %q", seq, m, dir, body)
	}
}

// waitContactMessage waits on the visitor's stream for the message of seq.
func waitContactMessage(t *testing.T, ws *wsStream, seq int64, dir, body string) {
	t.Helper()
	var f struct {
		Type    string
		Message message
	}
	b := ws.next(t, wsTimeout, false, fmt.Sprintf("message seq %d", seq), func(b []byte) bool {
		return json.Unmarshal(b, &f) == nil && f.Type == "message" && f.Message.Seq >= seq
	})
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode contact frame %s: %v", b, err)
	}
	if m := f.Message; m.Seq != seq || m.Body != body || m.Direction != dir {
		t.Errorf("visitor's stream sent %+v, want seq %d %s %q", m, seq, dir, body)
	}
}

// checkJSONLog checks that every line of a --log-format json log is a JSON
// object and that the messages in want were logged in that order.
func checkJSONLog(t *testing.T, log string, want ...string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if len(want) > 0 && rec.Msg == want[0] {
			want = want[1:]
		}
	}
	if len(want) > 0 {
		t.Errorf("log lacks %q (in order):\n%s", want, log)
	}
}
