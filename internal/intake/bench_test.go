package intake_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/store/storetest"
)

// BenchmarkSubmitSQLite measures the intake path without HTTP: many
// concurrent senders, each waiting for its acknowledgement, on SQLite with
// synchronous=FULL. Run: go test -run '^$' -bench Submit ./internal/intake/
func BenchmarkSubmitSQLite(b *testing.B) {
	benchSubmit(b, nil, "my transfer has been pending for an hour")
}

// BenchmarkSubmitSQLiteGuard is the same with the secret guard, whose
// check across a sender's recent messages reads them in the transaction;
// the Chinese message starts with wordlist characters, so it always does.
func BenchmarkSubmitSQLiteGuard(b *testing.B) {
	g, err := intake.NewSecretGuard()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("en", func(b *testing.B) { benchSubmit(b, g, "my transfer has been pending for an hour") })
	b.Run("zh", func(b *testing.B) { benchSubmit(b, g, "转账一个小时了还没到账，怎么回事") })
	b.Run("en-wordlist", func(b *testing.B) { benchSubmit(b, g, "bench message 42 from user 7") })
	// Wallet context found in every message and written with it (once per
	// conversation: later mentions of the same values change nothing).
	b.Run("wallet", func(b *testing.B) {
		benchSubmit(b, g, "my transfer to "+walletAddr+" is pending, tx "+walletTx)
	})
}

func benchSubmit(b *testing.B, g intake.Guard, body string) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	convs := conversation.NewStore(db, time.Now)
	if err := convs.Prepare(ctx); err != nil {
		b.Fatal(err)
	}
	in, err := convs.CreateInbox(ctx, "bench", conversation.ChannelWebChat)
	if err != nil {
		b.Fatal(err)
	}
	const users = 256
	type user struct{ conv, contact string }
	us := make([]user, users)
	for i := range us {
		c, ct, err := convs.Start(ctx, in, conversation.NewContact{})
		if err != nil {
			b.Fatal(err)
		}
		us[i] = user{c.ID, ct.ID}
	}
	svc := intake.New(convs, g, slog.New(slog.NewTextHandler(io.Discard, nil)), intake.Options{})
	defer svc.Close()
	var next atomic.Int64
	b.SetParallelism(users / 2) // GOMAXPROCS × this many senders
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			u := us[n%users]
			if _, err := svc.Submit(ctx, intake.Inbound{ConversationID: u.conv, ContactID: u.contact,
				ClientMessageID: strconv.FormatInt(n, 10), Body: body}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
