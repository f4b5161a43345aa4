package bot

import (
	"context"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store/storetest"
)

// demoStores returns the conversation store and knowledge base of a new
// SQLite database holding the demo articles.
func demoStores(t *testing.T) (*conversation.Store, *kb.Store) {
	t.Helper()
	return demoKB(t, storetest.SQLite(t), nil)
}

// Warm trains the model at start only when some inbox has the bot on.
func TestWarmOnlyWithTheBotOn(t *testing.T) {
	ctx := context.Background()
	convs, ks := demoStores(t)
	in, err := convs.CreateInbox(ctx, "Email", conversation.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	s := newService(convs, ks, Options{})
	trained := func() bool {
		s.models.mu.Lock()
		defer s.models.mu.Unlock()
		return s.models.cur != nil
	}
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if trained() {
		t.Fatal("Warm trained the model with the bot off in every inbox")
	}
	if _, err := convs.SetInboxBot(ctx, in.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if !trained() {
		t.Fatal("Warm did not train the model with the bot on")
	}
}

// Turning the bot on (PATCH /api/v1/inboxes/{id}) trains the model in the
// background, before any question.
func TestWarmInBackground(t *testing.T) {
	ctx := context.Background()
	convs, ks := demoStores(t)
	if _, err := convs.CreateInbox(ctx, "Web", conversation.ChannelWebChat); err != nil {
		t.Fatal(err)
	}
	s := newService(convs, ks, Options{})
	s.WarmInBackground()
	// Generous: training under the race detector on a busy machine.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		s.models.mu.Lock()
		cur := s.models.cur
		s.models.mu.Unlock()
		if cur != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the model was not trained in the background")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The first question now finds the model ready.
	m, err := s.models.get(ctx)
	if err != nil || m == nil {
		t.Fatalf("get after warming: %v, %v", m, err)
	}
}
