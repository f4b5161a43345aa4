package intake_test

import (
	"context"
	"testing"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

const (
	walletAddr = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	walletTx   = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
)

func guardedService(t *testing.T, f *fixture) *intake.Service {
	t.Helper()
	g, err := intake.NewSecretGuard()
	if err != nil {
		t.Fatal(err)
	}
	svc := intake.New(f.convs, g, testLogger(t), intake.Options{})
	t.Cleanup(svc.Close)
	return svc
}

// TestWalletContextCommittedWithMessage: the address and transaction hash
// in a visitor's message are conversation attributes the moment the
// message is acknowledged (no second write after the ack), recorded by one
// conversation.updated event in the message's transaction; the same
// address again writes nothing.
func TestWalletContextCommittedWithMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 1)
		svc := guardedService(t, f)
		cv := f.list[0]
		before := f.count(t, "SELECT COUNT(*) FROM events WHERE conversation_id = ?", cv.id)
		ack, err := svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: cv.id,
			ContactID: cv.contact, ClientMessageID: "w1", Body: "转账没到 我的地址 " + walletAddr + " tx " + walletTx})
		if err != nil {
			t.Fatal(err)
		}
		// Read at once: nothing may still be on its way.
		c, err := f.convs.Conversation(ctx, cv.id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Attributes["wallet.evm.address"] != walletAddr || c.Attributes["wallet.evm.tx"] != walletTx {
			t.Fatalf("after the ack of seq %d the attributes are %v, want the address and tx", ack.Message.Seq, c.Attributes)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM events WHERE conversation_id = ?", cv.id) - before; n != 2 {
			t.Fatalf("%d events written, want message.created and conversation.updated", n)
		}
		// A retry and a repeat of the same address change nothing.
		if _, err := svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: cv.id,
			ContactID: cv.contact, ClientMessageID: "w1", Body: "转账没到 我的地址 " + walletAddr + " tx " + walletTx}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: cv.id,
			ContactID: cv.contact, ClientMessageID: "w2", Body: "again " + walletAddr}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM events WHERE conversation_id = ? AND type = 'conversation.updated'", cv.id); n != 1 {
			t.Fatalf("%d conversation.updated events, want 1", n)
		}
	})
}

// TestWalletContextFailedCommitWritesNeither: when the wallet context
// cannot be written, the transaction fails as a whole: the sender gets an
// error (and retries), and neither the message nor the context is stored.
func TestWalletContextFailedCommitWritesNeither(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 1)
		svc := guardedService(t, f)
		cv := f.list[0]
		refuseWalletAttributes(t, db)
		_, err := svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: cv.id,
			ContactID: cv.contact, ClientMessageID: "w1", Body: "my address " + walletAddr})
		if err == nil {
			t.Fatal("submit succeeded although the wallet context could not be written")
		}
		if n := f.count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", cv.id); n != 0 {
			t.Fatalf("%d messages stored without their wallet context", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM events WHERE conversation_id = ? AND type = 'message.created'", cv.id); n != 0 {
			t.Fatalf("%d message.created events stored without the wallet context", n)
		}
		// A message with no wallet context is unaffected.
		if _, err := svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: cv.id,
			ContactID: cv.contact, ClientMessageID: "w2", Body: "hello"}); err != nil {
			t.Fatal(err)
		}
	})
}

// refuseWalletAttributes makes the database refuse any conversation update
// that stores a wallet attribute, on either engine.
func refuseWalletAttributes(t *testing.T, db *store.DB) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER refuse_wallet BEFORE UPDATE OF attributes ON conversations
		WHEN NEW.attributes LIKE '%wallet.%' BEGIN SELECT RAISE(ABORT, 'wallet attributes refused'); END`}
	if db.Dialect == store.Postgres {
		stmts = []string{`CREATE FUNCTION refuse_wallet() RETURNS trigger LANGUAGE plpgsql AS $f$
			BEGIN
				IF NEW.attributes::text LIKE '%wallet.%' THEN RAISE EXCEPTION 'wallet attributes refused'; END IF;
				RETURN NEW;
			END $f$`,
			`CREATE TRIGGER refuse_wallet BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION refuse_wallet()`}
	}
	for _, q := range stmts {
		if _, err := db.Exec(context.Background(), q); err != nil {
			t.Fatalf("install trigger: %v", err)
		}
	}
}
