package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
)

// BenchmarkBotReply measures, on the real server with SQLite, the time from
// sending a question to the bot's answer arriving on the visitor's
// WebSocket (ns/op), one fresh conversation per iteration:
//
//	go test -run '^$' -bench BotReply -benchtime 200x ./internal/bot/
func BenchmarkBotReply(b *testing.B) {
	s := apptest.Start(b, "sqlite")
	s.EnableBot(b)
	u, _ := url.Parse(s.URL)
	questions := []string{"我的助记词应该怎么备份才安全？", "How do I add a custom token?", "转账一直没到账怎么办",
		"my swap failed, why?", "波场能量不够怎么办"}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		convID, tok := s.StartConversation(b)
		c, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/ws/contact?conversation="+convID+"&after=0",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s.Send(b, convID, tok, "q", questions[i%len(questions)])
		rctx, cancel := context.WithTimeout(ctx, time.Minute)
		for {
			_, data, err := c.Read(rctx)
			if err != nil {
				b.Fatalf("waiting for the bot: %v", err)
			}
			var f struct {
				Type    string `json:"type"`
				Message struct {
					Direction string          `json:"direction"`
					Meta      json.RawMessage `json:"meta"`
				} `json:"message"`
			}
			if json.Unmarshal(data, &f) == nil && f.Type == "message" && f.Message.Direction == "bot" {
				break
			}
		}
		cancel()
		b.StopTimer()
		c.CloseNow()
		b.StartTimer()
	}
}
