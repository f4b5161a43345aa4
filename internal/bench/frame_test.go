package bench

import (
	"encoding/json"
	"testing"
	"time"

	convs "github.com/huiying/huiying/internal/conversation"
)

// TestScanFrameAgreesWithJSON: the fast read of a message frame gives what
// decoding it does, for frames as the server marshals them (a body quoting
// the keys included), and other frames fall back to decoding.
func TestScanFrameAgreesWithJSON(t *testing.T) {
	frame := func(m convs.ContactMessage) []byte {
		b, err := json.Marshal(struct {
			Type    string               `json:"type"`
			Message convs.ContactMessage `json:"message"`
		}{"message", m})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	inputs := [][]byte{
		frame(convs.ContactMessage{ID: "c-7", ConversationID: "c", Seq: 7, Direction: convs.Inbound, Body: "hi", CreatedAt: time.Now()}),
		frame(convs.ContactMessage{ID: "c-12", ConversationID: "c", Seq: 12, Direction: convs.Bot,
			Body: `an answer quoting "seq":99 and "direction":"inbound"`, Meta: json.RawMessage(`{"kind":"answer"}`)}),
		[]byte(`{"type":"typing","typing":true}`),
		[]byte(`{"type":"message", "message": {"seq": 3, "direction": "outbound"}}`),
	}
	for _, b := range inputs {
		var fast, slow wsFrame
		err := scanFrame(b, &fast)
		if jerr := json.Unmarshal(b, &slow); (err == nil) != (jerr == nil) || fast != slow {
			t.Errorf("%s: scanFrame = %+v, %v; json = %+v, %v", b, fast, err, slow, jerr)
		}
	}
}
