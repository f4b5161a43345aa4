package bot

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
)

// newService wires the bot as internal/app does, on the real stores.
func newService(convs *conversation.Store, ks *kb.Store, opts Options) *Service {
	ds := NewDecisionStore(convs.DB())
	return New(convs, ds, routing.New(routing.NewStore(convs.DB(), convs.Now), convs, nil, nil, nil, routing.Options{HandoffAttr: AttrHandoff, Now: convs.Now}), ks, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
}

// demoKB is a conversation store and a knowledge base with the demo
// articles on db, with the clock now.
func demoKB(t *testing.T, db *store.DB, now func() time.Time) (*conversation.Store, *kb.Store) {
	t.Helper()
	convs := conversation.NewStore(db, now)
	ks := kb.NewStore(db, now)
	as, err := kb.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.UpsertAll(context.Background(), as, nil); err != nil {
		t.Fatal(err)
	}
	return convs, ks
}

// demoDesk is demoKB with a web-chat inbox.
func demoDesk(t *testing.T, db *store.DB, now func() time.Time) (*conversation.Store, *kb.Store, conversation.Inbox) {
	t.Helper()
	convs, ks := demoKB(t, db, now)
	in, err := convs.CreateInbox(context.Background(), "Web chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	return convs, ks, in
}

// ask starts a conversation in the inbox and stores the visitor's
// question in it, as intake does; it returns the conversation's id.
func ask(t *testing.T, convs *conversation.Store, in conversation.Inbox, question string) string {
	t.Helper()
	ctx := context.Background()
	c, ct, err := convs.Start(ctx, in, conversation.NewContact{})
	if err != nil {
		t.Fatal(err)
	}
	if err := convs.Write(ctx, func(tx *store.Tx) error {
		_, err := convs.Append(ctx, tx, conversation.NewMessage{ConversationID: c.ID, ContactID: ct.ID,
			Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, AuthorID: ct.ID, Body: question})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}
