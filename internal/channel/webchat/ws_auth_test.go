package webchat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
)

func TestContactSocketWithoutAuthFrameClosesWith1008(t *testing.T) {
	s := apptest.Start(t, "sqlite") // no storage is involved: one engine suffices
	conv, _ := s.StartConversation(t)
	path := "/ws/contact?conversation=" + conv
	const reason = `send {"type":"auth","token":CONTACT_TOKEN} first`
	for _, tc := range []struct {
		name  string
		first []byte // nil: send nothing and wait for the server
		typ   websocket.MessageType
	}{
		{"silent client", nil, 0},
		{"binary garbage", []byte{0xff, 0x00, 0x13}, websocket.MessageBinary},
		{"auth frame without a token", []byte(`{"type":"auth"}`), websocket.MessageText},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := s.DialWS(t, path, "")
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if tc.first != nil {
				if err := c.Write(ctx, tc.typ, tc.first); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			_, b, err := c.Read(ctx)
			var ce websocket.CloseError
			if err == nil || !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation || ce.Reason != reason {
				t.Fatalf("frame %s, err %v; want close 1008 %q", b, err, reason)
			}
			if tc.first == nil && time.Since(start) < 9*time.Second {
				t.Fatalf("closed after %v, want the documented 10 s wait", time.Since(start))
			}
		})
	}
}
