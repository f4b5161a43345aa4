package webchat

import (
	"context"
	"encoding/json"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/web/wsx"
)

// wsRedactedFrame tells a contact's chat that messages it already shows
// lost a secret that a later message completed: replace their bodies.
type wsRedactedFrame struct {
	Type     string                 `json:"type"` // "redacted"
	Messages []conversation.Earlier `json:"messages"`
}

func writeContactRedacted(ctx context.Context, conn *websocket.Conn, e bus.Event) error {
	var re conversation.RedactedEvent
	if err := json.Unmarshal(e.Payload, &re); err != nil {
		return err
	}
	return wsx.WriteFrame(ctx, conn, wsRedactedFrame{Type: "redacted", Messages: re.Messages})
}
