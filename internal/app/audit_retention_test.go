package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// The audit log keeps AuditDays days of entries, by the injected clock,
// in batches, and the background job stops when told to.
func TestAuditRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		day := 24 * time.Hour
		// 1,200 entries from the sign-in flood of a year and a half ago
		// (more than one batch), and a few around the cutoff.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range 1200 {
				if err := audit.Record(ctx, tx, audit.Entry{At: t0.Add(-500*day + time.Duration(i)*time.Second),
					Action: "session.sign_in_failed"}); err != nil {
					return err
				}
			}
			for _, age := range []time.Duration{366 * day, 365*day + time.Minute, 364 * day, time.Hour} {
				if err := audit.Record(ctx, tx, audit.Entry{At: t0.Add(-age), Action: "session.sign_in"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var mu sync.Mutex
		now := t0.Add(-30 * day)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }

		if n, err := (app.Retention{DB: db, AuditDays: 0, Now: clock}).PruneAuditOnce(ctx); err != nil || n != 0 {
			t.Fatalf("AuditDays 0 deleted %d (%v)", n, err)
		}
		r := app.Retention{DB: db, AuditDays: 365, Now: clock}
		// A month ago, only the flood was older than a year.
		if n, err := r.PruneAuditOnce(ctx); err != nil || n != 1200 || count() != 4 {
			t.Fatalf("deleted %d (%v), %d left; want 1200 and 4", n, err, count())
		}
		mu.Lock()
		now = t0
		mu.Unlock()
		done := make(chan struct{})
		rctx, stop := context.WithCancel(ctx)
		go func() { r.Run(rctx, time.Hour); close(done) }()
		deadline := time.Now().Add(30 * time.Second)
		for count() != 2 {
			if time.Now().After(deadline) {
				t.Fatalf("%d entries left after 30 s, want the 2 younger than a year", count())
			}
			time.Sleep(10 * time.Millisecond)
		}
		stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
		all, err := audit.List(ctx, db, audit.Filter{}, audit.MaxLimit)
		if err != nil || len(all) != 2 || !all[1].At.Equal(t0.Add(-364*day)) {
			t.Fatalf("kept %+v, %v", all, err)
		}
	})
}
