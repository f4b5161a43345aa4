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
	svc := intake.New(convs, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), intake.Options{})
	defer svc.Close()
	var next atomic.Int64
	b.SetParallelism(users / 2) // GOMAXPROCS × this many senders
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			u := us[n%users]
			if _, err := svc.Submit(ctx, intake.Inbound{ConversationID: u.conv, ContactID: u.contact,
				ClientMessageID: strconv.FormatInt(n, 10), Body: "my transfer has been pending for an hour"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
