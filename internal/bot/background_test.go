package bot

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
)

// TestCloseJoinsBackgroundWork: the bot's goroutines that outlive a call
// (warming when an inbox turns the bot on, retraining after a knowledge
// base change) have ended when Close returns, and none starts afterwards,
// so none runs on into a closed database at shutdown.
func TestCloseJoinsBackgroundWork(t *testing.T) {
	ctx := context.Background()
	convs, ks := demoStores(t)
	in, err := convs.CreateInbox(ctx, "Web", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := convs.SetInboxBot(ctx, in.ID, true); err != nil {
		t.Fatal(err)
	}
	s := newService(convs, ks, Options{})
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	// A knowledge-base change: the next question retrains in the background.
	if _, err := ks.Upsert(ctx, kb.Article{ID: "new-article", Locale: "en", Category: "fees", Title: "Fees",
		Body: "Network fees depend on the chain.", Questions: []string{"why is the fee so high"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.models.get(ctx); err != nil {
		t.Fatal(err)
	}
	s.WarmInBackground()
	s.Close()
	s.models.mu.Lock()
	busy := s.models.busy
	s.models.mu.Unlock()
	if busy {
		t.Fatal("a background training is still running after Close")
	}
	// Close waited for each goroutine's work; give the runtime a moment to
	// retire them, then none may be left.
	deadline := time.Now().Add(5 * time.Second)
	for ours := ourGoroutines(); ours > 0; ours = ourGoroutines() {
		if time.Now().After(deadline) {
			t.Fatalf("%d bot goroutines still running after Close", ours)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// After Close nothing starts.
	s.WarmInBackground()
	if n := ourGoroutines(); n != 0 {
		t.Fatalf("WarmInBackground started %d goroutines after Close", n)
	}
}

func ourGoroutines() int {
	buf := make([]byte, 1<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "bot.(*background).start") {
			n++
		}
	}
	return n
}
