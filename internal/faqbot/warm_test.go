package faqbot

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store/storetest"
)

// Warm trains the model at start only when some inbox has the bot on.
func TestWarmOnlyWithTheBotOn(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	convs := conversation.NewStore(db, nil)
	ks := kb.NewStore(db, nil)
	as, err := kb.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.UpsertAll(ctx, as, nil); err != nil {
		t.Fatal(err)
	}
	in, err := convs.CreateInbox(ctx, "Email", conversation.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	s := New(convs, ks, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
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
