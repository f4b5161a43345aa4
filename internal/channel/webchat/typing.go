package webchat

import (
	"context"
	"encoding/json"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/web/wsx"
)

// Typing indicators and status frames are ephemeral: they go through the
// hub to the WebSockets connected right now and are never stored.

// contactTypingEvery is the shortest interval between two typing frames of
// one contact connection that are passed on to agents.
const contactTypingEvery = time.Second

type typingFrame struct {
	Type           string `json:"type"` // "typing"
	ConversationID string `json:"conversation_id,omitempty"`
	From           string `json:"from"`           // "contact" or "agent"
	Name           string `json:"name,omitempty"` // the agent's name
}

// wsConversationFrame is all a contact learns about a conversation change.
type wsConversationFrame struct {
	Type         string `json:"type"` // "conversation"
	Conversation struct {
		ID     string              `json:"id"`
		Status conversation.Status `json:"status"`
	} `json:"conversation"`
}

// AgentTyping tells the contact's open chat windows that an agent is
// typing a reply.
func (c *Channel) AgentTyping(conversationID, agentName string) error {
	b, err := json.Marshal(typingFrame{Type: "typing", From: "agent", Name: agentName})
	if err != nil {
		return err
	}
	c.Hub.Ephemeral(conversationID, b, false)
	return nil
}

// readContactFrames reads what a contact's chat window sends: typing
// frames, of which at most one per contactTypingEvery is passed on to the
// agents. Any other data frame closes the socket with 1008, as before
// typing existed. Reading also answers pings and the closing handshake;
// stop is called when reading ends, which ends the stream.
func (c *Channel) readContactFrames(ctx context.Context, stop context.CancelFunc, conn *websocket.Conn, convID string) {
	defer stop()
	frame, _ := json.Marshal(typingFrame{Type: "typing", ConversationID: convID, From: "contact"})
	var last time.Time
	for {
		typ, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var f struct {
			Type string `json:"type"`
		}
		if typ != websocket.MessageText || json.Unmarshal(b, &f) != nil || f.Type != "typing" {
			conn.Close(websocket.StatusPolicyViolation, `the only frame a contact may send is {"type":"typing"}`)
			return
		}
		if now := c.Now(); now.Sub(last) >= contactTypingEvery {
			last = now
			c.Hub.Ephemeral(convID, frame, true)
		}
	}
}

// writeContactConversation tells the contact that their conversation
// changed: its id and status only, never the internal fields.
func writeContactConversation(ctx context.Context, conn *websocket.Conn, e bus.Event) error {
	var c conversation.Conversation
	if err := json.Unmarshal(e.Payload, &c); err != nil {
		return err
	}
	var f wsConversationFrame
	f.Type = "conversation"
	f.Conversation.ID, f.Conversation.Status = c.ID, c.Status
	return wsx.WriteFrame(ctx, conn, f)
}
