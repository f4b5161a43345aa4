package webchat_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
)

func TestContactSocketsCappedPerContact(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		path := "/ws/contact?conversation=" + conv
		open := make([]*websocket.Conn, 0, socketsPerContact)
		for range socketsPerContact {
			open = append(open, s.DialWS(t, path, tok))
		}
		dialRefused(t, s, path, tok)

		// With first-frame authentication the contact is known only after
		// the upgrade: the socket is closed with 1013 instead.
		c := s.DialWS(t, path, "")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"auth","token":"`+tok+`"}`)); err != nil {
			t.Fatal(err)
		}
		_, b, err := c.Read(ctx)
		var ce websocket.CloseError
		if err == nil || !errors.As(err, &ce) || ce.Code != websocket.StatusTryAgainLater {
			t.Fatalf("first-frame socket over the cap: frame %s, err %v; want close 1013", b, err)
		}

		// Another contact is not affected, and a closed socket frees its slot.
		conv2, tok2 := s.StartConversation(t)
		s.DialWS(t, "/ws/contact?conversation="+conv2, tok2)
		open[0].Close(websocket.StatusNormalClosure, "tab closed")
		deadline := time.Now().Add(10 * time.Second)
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			c, resp, err := websocket.Dial(ctx, s.WSURL(path), &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
			cancel()
			if err == nil {
				c.CloseNow()
				break
			}
			if resp == nil || resp.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
				t.Fatalf("after closing one socket: %v (%v), want the upgrade", resp, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func TestContactSocketsCappedPerAddress(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		// Sockets still waiting for their auth frame count too, so no
		// conversation is needed to fill the address's quota.
		conns := make([]*websocket.Conn, 0, socketsPerIP)
		for range socketsPerIP {
			conns = append(conns, s.DialWS(t, "/ws/contact?conversation=cv_any", ""))
		}
		conv, tok := s.StartConversation(t)
		dialRefused(t, s, "/ws/contact?conversation="+conv, tok)
		dialRefused(t, s, "/ws/contact?conversation=cv_any", "")
		for _, c := range conns {
			c.CloseNow()
		}
	})
}
