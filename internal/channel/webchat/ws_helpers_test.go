package webchat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bus"
)

// Helpers that open contact and agent WebSockets and read their frames.

func pump(t *testing.T, c *websocket.Conn) *wsPump {
	t.Helper()
	p := &wsPump{C: make(chan []byte, 256)}
	go func() {
		defer close(p.C)
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				p.err = err
				return
			}
			p.C <- b
		}
	}()
	return p
}

// await returns the first frame for which match is true, skipping others;
// it fails t after 10 s.
func await(t *testing.T, p *wsPump, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case b, ok := <-p.C:
			if !ok {
				t.Fatalf("socket closed while waiting for %s: %v", what, p.err)
			}
			var f map[string]any
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatalf("frame %s: %v", b, err)
			}
			if match(f) {
				return f
			}
		case <-deadline:
			t.Fatalf("no %s within 10 s", what)
		}
	}
}

// drain returns the frames that arrive within d.
func drain(p *wsPump, d time.Duration) []map[string]any {
	var out []map[string]any
	deadline := time.After(d)
	for {
		select {
		case b, ok := <-p.C:
			if !ok {
				return out
			}
			var f map[string]any
			_ = json.Unmarshal(b, &f)
			if f["type"] != "queue" { // routing's, checked in queue_test.go
				out = append(out, f)
			}
		case <-deadline:
			return out
		}
	}
}

func isType(typ string) func(map[string]any) bool {
	return func(f map[string]any) bool { return f["type"] == typ }
}

func writeText(t *testing.T, c *websocket.Conn, s string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		t.Fatalf("write %s: %v", s, err)
	}
}

// Default caps on open /ws/contact sockets (web.Limits, webchat.Deps).
const (
	socketsPerContact = 5
	socketsPerIP      = 50
)

// dialRefused dials path and checks that the upgrade is refused with 429
// rate_limited, a JSON body and a Retry-After.
func dialRefused(t *testing.T, s *apptest.Server, path, token string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{}
	if token != "" {
		opts.HTTPHeader = http.Header{"Authorization": {"Bearer " + token}}
	}
	c, resp, err := websocket.Dial(ctx, s.WSURL(path), opts)
	if err == nil {
		c.CloseNow()
		t.Fatalf("dial %s: upgraded, want 429", path)
	}
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("dial %s: %v (%v), want HTTP 429", path, resp, err)
	}
	if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q, want whole seconds", resp.Header.Get("Retry-After"))
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Code != "rate_limited" || body.Error.Message == "" {
		t.Fatalf("429 body %+v (%v), want a rate_limited JSON error", body, err)
	}
}

type frame struct {
	Type    string    `json:"type"`
	Message message   `json:"message"`
	Event   bus.Event `json:"event"`
}

// read returns the next frame other than the queue's (routing tells the
// visitor their place as it changes; queue_test.go checks those), failing
// the test if none comes within 10 s.
func read(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	for {
		if f := readAny(t, c); f.Type != "queue" {
			return f
		}
	}
}

// readAny returns the next frame, whatever its type.
func readAny(t *testing.T, c *websocket.Conn) frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("frame of type %v, want text", typ)
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode frame %s: %v", b, err)
	}
	return f
}

// expectMessages reads len(want) frames and checks they are exactly the
// messages with these sequence numbers, in this order.
func expectMessages(t *testing.T, c *websocket.Conn, convID string, want ...int64) []message {
	t.Helper()
	var got []message
	for _, seq := range want {
		f := read(t, c)
		if f.Type != "message" || f.Message.ConversationID != convID || f.Message.Seq != seq {
			t.Fatalf("frame %+v, want message seq %d of %s (so far %v)", f, seq, convID, seqs(got))
		}
		if f.Message.Direction == "note" {
			t.Fatalf("a private note reached the contact: %+v", f.Message)
		}
		got = append(got, f.Message)
	}
	return got
}

// nextEvent reads event frames until one of the given type arrives; event
// ids must increase along the way.
func nextEvent(t *testing.T, c *websocket.Conn, typ string) bus.Event {
	t.Helper()
	var prev int64
	for {
		f := read(t, c)
		if f.Type != "event" {
			t.Fatalf("frame type %q, want event", f.Type)
		}
		if f.Event.ID <= prev {
			t.Fatalf("event id %d after %d", f.Event.ID, prev)
		}
		prev = f.Event.ID
		if f.Event.Type == typ {
			return f.Event
		}
	}
}

// wsPump reads every frame of a socket into C, so a test can wait for a
// frame with a timeout (a Read whose context ends closes the socket). C is
// closed when reading fails; err then says why.
type wsPump struct {
	C   chan []byte
	err error
}

// closed waits for the socket to close and returns the close status.
func (p *wsPump) closed(t *testing.T) websocket.StatusCode {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-p.C:
			if !ok {
				return websocket.CloseStatus(p.err)
			}
		case <-deadline:
			t.Fatal("the socket is still open after 10 s")
		}
	}
}
