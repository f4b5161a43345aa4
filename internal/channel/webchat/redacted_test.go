package webchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
)

// A mnemonic sent in two messages: when the second completes it, both the
// agent stream and the visitor's own stream are told to replace the first
// message's body, which then reads the marker everywhere.
func TestRedactedEarlierMessageReachesStreams(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		last, err := bus.LastEventID(context.Background(), s.App.DB)
		if err != nil {
			t.Fatal(err)
		}
		agent := s.DialWS(t, fmt.Sprintf("/ws/agent?after=%d", last), s.AdminToken)
		contact := s.DialWS(t, "/ws/contact?conversation="+conv+"&after=0", tok)
		words := strings.Fields(testMnemonics[0])
		first := s.Send(t, conv, tok, "half-1", strings.Join(words[:6], " "))
		s.Send(t, conv, tok, "half-2", strings.Join(words[6:], " "))

		ev := nextEvent(t, agent, bus.MessageRedacted)
		var re conversation.RedactedEvent
		if err := json.Unmarshal(ev.Payload, &re); err != nil || ev.ConversationID != conv || len(re.Messages) != 1 ||
			re.Messages[0].Seq != first.Seq || !strings.Contains(re.Messages[0].Body, guard.MarkerMnemonic) {
			t.Fatalf("agent stream: message.redacted %+v %s (%v)", ev, ev.Payload, err)
		}

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for {
			_, b, err := contact.Read(ctx)
			if err != nil {
				t.Fatalf("contact stream: no redacted frame: %v", err)
			}
			var f struct {
				Type     string                 `json:"type"`
				Messages []conversation.Earlier `json:"messages"`
			}
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			if f.Type != "redacted" {
				continue
			}
			if len(f.Messages) != 1 || f.Messages[0].Seq != first.Seq || !strings.Contains(f.Messages[0].Body, guard.MarkerMnemonic) {
				t.Fatalf("contact stream: redacted frame %s", b)
			}
			break
		}
	})
}
