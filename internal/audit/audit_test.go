package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestRecordAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		for i, e := range []audit.Entry{
			{ActorType: audit.ActorAgent, ActorID: "ag_1", ActorEmail: "mei@example.com", Action: "session.sign_in"},
			{ActorType: audit.ActorToken, ActorID: "ag_1", Action: "PATCH /api/v1/conversations/{id}", TargetType: "conversation",
				TargetID: "cv_1", Details: map[string]any{"changes": map[string]any{"status": "resolved"}}},
			{Action: "token.create"},
		} {
			e.At = t0.Add(time.Duration(i) * time.Minute)
			if err := audit.Record(ctx, db, e); err != nil {
				t.Fatal(err)
			}
		}
		// Inside a transaction too.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{At: t0.Add(3 * time.Minute), ActorID: "ag_2", Action: "session.sign_out"})
		}); err != nil {
			t.Fatal(err)
		}
		all, err := audit.List(ctx, db, audit.Filter{}, audit.MaxLimit)
		if err != nil || len(all) != 4 || all[0].Action != "session.sign_out" || all[3].Action != "session.sign_in" {
			t.Fatalf("list: %+v %v", all, err)
		}
		if all[1].ActorType != audit.ActorSystem || all[2].TargetID != "cv_1" || !all[3].At.Equal(t0) {
			t.Fatalf("entries %+v", all)
		}
		if ch, _ := all[2].Details["changes"].(map[string]any); ch["status"] != "resolved" {
			t.Fatalf("details %+v", all[2].Details)
		}
		check := func(f audit.Filter, want int) {
			t.Helper()
			got, err := audit.List(ctx, db, f, audit.MaxLimit)
			if err != nil || len(got) != want {
				t.Fatalf("filter %+v: %d entries (%v), want %d", f, len(got), err, want)
			}
		}
		check(audit.Filter{ActorID: "ag_1"}, 2)
		check(audit.Filter{Action: "token.create"}, 1)
		check(audit.Filter{Since: t0.Add(time.Minute), Until: t0.Add(3 * time.Minute)}, 2)
		check(audit.Filter{Before: all[1].ID}, 2)
		check(audit.Filter{Limit: 1}, 1)
	})
}

// TestRecordNeedsATime: an entry without a time is refused rather than
// stamped with the wall clock, so every entry carries its writer's clock.
func TestRecordNeedsATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := audit.Record(ctx, db, audit.Entry{Action: "token.create"}); err == nil {
			t.Fatal("an entry without a time was recorded")
		}
		all, err := audit.List(ctx, db, audit.Filter{}, audit.MaxLimit)
		if err != nil || len(all) != 0 {
			t.Fatalf("entries %+v, %v; want none", all, err)
		}
	})
}
