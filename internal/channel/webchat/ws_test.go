package webchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
)

func TestContactStreamResumesWithoutGapsOrDuplicates(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		s.Send(t, conv, tok, "m1", "one")
		s.Send(t, conv, tok, "m2", "two")
		s.Send(t, conv, tok, "m3", "three")
		path := "/ws/contact?conversation=" + conv + "&after="

		c := s.DialWS(t, path+"0", tok)
		got := expectMessages(t, c, conv, 1, 2, 3)
		if got[0].Body != "one" || got[2].Body != "three" || got[0].Direction != "inbound" {
			t.Fatalf("caught-up messages = %+v", got)
		}
		// Live: an agent reply arrives on the open stream.
		if seq := s.Reply(t, conv, "hello from support", false); seq != 4 {
			t.Fatalf("reply seq %d, want 4", seq)
		}
		live := expectMessages(t, c, conv, 4)
		if live[0].Direction != "outbound" || live[0].Body != "hello from support" {
			t.Fatalf("live message = %+v", live[0])
		}
		const k = 4
		c.Close(websocket.StatusNormalClosure, "going offline")

		// While the contact is away: their own message from another tab,
		// an agent reply, a private note and another message.
		s.Send(t, conv, tok, "m5", "five")
		s.Reply(t, conv, "six, from support", false)
		if seq := s.Reply(t, conv, "internal note: do not show", true); seq != 7 {
			t.Fatalf("note seq %d, want 7", seq)
		}
		s.Send(t, conv, tok, "m8", "eight")

		c2 := s.DialWS(t, fmt.Sprintf("%s%d", path, k), tok)
		missed := expectMessages(t, c2, conv, 5, 6, 8)
		if missed[0].Body != "five" || missed[1].Body != "six, from support" || missed[2].Body != "eight" {
			t.Fatalf("missed messages = %+v", missed)
		}
		// Then live ones, and nothing in between: the next frame is the
		// next visible message, not a repeat and not the note.
		s.Reply(t, conv, "another internal note", true) // seq 9
		s.Send(t, conv, tok, "m10", "ten")
		s.Reply(t, conv, "eleven, from support", false)
		expectMessages(t, c2, conv, 10, 11)

		// A retry of an already delivered message is not sent again.
		var ack apptest.Ack
		s.JSON(t, "POST", "/api/v1/widget/conversations/"+conv+"/messages", tok,
			map[string]string{"client_message_id": "m10", "body": "ten"}, http.StatusOK, &ack)
		s.Send(t, conv, tok, "m12", "twelve")
		expectMessages(t, c2, conv, 12)
	})
}

func TestContactStreamFirstFrameAuth(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		_, otherTok := s.StartConversation(t)
		s.Send(t, conv, tok, "m1", "one")
		s.Send(t, conv, tok, "m2", "two")
		path := "/ws/contact?conversation=" + conv + "&after=1"

		c := s.DialWS(t, path, "")
		auth, _ := json.Marshal(map[string]string{"type": "auth", "token": tok})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Write(ctx, websocket.MessageText, auth); err != nil {
			t.Fatal(err)
		}
		expectMessages(t, c, conv, 2)
		s.Send(t, conv, tok, "m3", "three")
		expectMessages(t, c, conv, 3)

		for _, tc := range []struct {
			name  string
			first string
		}{
			{"garbled token", `{"type":"auth","token":"ct.nope.nope"}`},
			{"another contact's token", fmt.Sprintf(`{"type":"auth","token":%q}`, otherTok)},
			{"not JSON", `hello`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := s.DialWS(t, path, "")
				if err := c.Write(ctx, websocket.MessageText, []byte(tc.first)); err != nil {
					t.Fatal(err)
				}
				rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_, b, err := c.Read(rctx)
				if err == nil {
					t.Fatalf("got frame %s, want the connection closed", b)
				}
				if st := websocket.CloseStatus(err); st != websocket.StatusPolicyViolation {
					t.Fatalf("closed with %v (%v), want policy violation", st, err)
				}
			})
		}
	})
}
