package bot

import (
	"context"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// TestDecisionsUseTheInjectedClock: a decision is stamped with the
// conversation store's clock, not the wall clock, so decisions, messages
// and events written together carry one time.
func TestDecisionsUseTheInjectedClock(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	db := storetest.SQLite(t)
	convs := conversation.NewStore(db, func() time.Time { return at })
	ks := kb.NewStore(db, func() time.Time { return at })
	as, err := kb.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.UpsertAll(ctx, as, nil); err != nil {
		t.Fatal(err)
	}
	in, err := convs.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := convs.SetInboxBot(ctx, in.ID, true); err != nil {
		t.Fatal(err)
	}
	c, ct, err := convs.Start(ctx, in, conversation.NewContact{})
	if err != nil {
		t.Fatal(err)
	}
	if err := convs.Write(ctx, func(tx *store.Tx) error {
		_, err := convs.Append(ctx, tx, conversation.NewMessage{ConversationID: c.ID, ContactID: ct.ID,
			Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, AuthorID: ct.ID, Body: "转人工"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	evs, err := bus.ReadEvents(ctx, db, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	s := newService(convs, ks, Options{})
	if err := s.Handle(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Decisions(ctx, c.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("decisions %+v, %v; want one", ds, err)
	}
	if !ds[0].CreatedAt.Equal(at) {
		t.Fatalf("decision stamped %v, want the store's clock %v", ds[0].CreatedAt, at)
	}
}
