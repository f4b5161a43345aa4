package conversation_test

import (
	"context"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestRotateInboxSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		old := f.inbox.HMACSecret
		secret, err := f.s.RotateInboxSecret(ctx, f.inbox.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(secret) < 32 || secret == old {
			t.Fatalf("rotated secret %q (old %q): want a new one of at least 32 characters", secret, old)
		}
		in, err := f.s.InboxByID(ctx, f.inbox.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.HMACSecret != secret || in.PublicKey != f.inbox.PublicKey {
			t.Fatalf("after rotating: secret %q key %q, want %q and the same key %q", in.HMACSecret, in.PublicKey, secret, f.inbox.PublicKey)
		}
		if _, err := f.s.RotateInboxSecret(ctx, "in_nope"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("rotate an unknown inbox: %v, want not found", err)
		}
	})
}
