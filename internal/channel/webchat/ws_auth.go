package webchat

import (
	"context"
	"encoding/json"
	"time"

	"github.com/coder/websocket"
)

// wsAuthTimeout is how long a contact socket opened without a token may
// wait for its auth frame.
const wsAuthTimeout = 10 * time.Second

// wsAuthFrame is the first frame of a contact socket opened without a
// token.
type wsAuthFrame struct {
	Type  string `json:"type"`
	Token string `json:"token"`
}

// reasonAuthFirst is the documented close reason (with 1008) of a contact
// socket whose first frame is missing, late or not a valid auth frame.
const reasonAuthFirst = `send {"type":"auth","token":CONTACT_TOKEN} first`

// authFrame reads the first frame of a contact socket opened without a
// token and returns the contact it authenticates. On a missing, late or bad
// frame it closes the socket with 1008 and the reason, and reports false.
//
// The wait is a timer, not a deadline on the read: the WebSocket library
// drops the connection without a close frame when a read's context ends,
// which a client sees as EOF instead of the documented 1008.
func (c *Channel) authFrame(ctx context.Context, conn *websocket.Conn) (string, bool) {
	type result struct {
		b   []byte
		err error
	}
	got := make(chan result, 1)
	go func() {
		_, b, err := conn.Read(ctx)
		got <- result{b, err}
	}()
	timer := time.NewTimer(wsAuthTimeout)
	defer timer.Stop()
	select {
	case <-timer.C:
		conn.Close(websocket.StatusPolicyViolation, reasonAuthFirst)
		<-got // the read ends with the connection
		return "", false
	case <-c.Shutdown:
		conn.Close(websocket.StatusGoingAway, "server restarting; reconnect")
		<-got
		return "", false
	case res := <-got:
		if res.err != nil {
			conn.CloseNow() // the client left, or broke the protocol (the library answered it)
			return "", false
		}
		var af wsAuthFrame
		if json.Unmarshal(res.b, &af) != nil {
			conn.Close(websocket.StatusPolicyViolation, reasonAuthFirst)
			return "", false
		}
		id, err := c.Tokens.Verify(af.Token)
		if err != nil {
			conn.Close(websocket.StatusPolicyViolation, reasonAuthFirst)
			return "", false
		}
		return id, true
	}
}
