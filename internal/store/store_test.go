package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestMigrateIsRecordedAndIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ms, err := store.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.AppliedMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ms) || got[len(got)-1] != ms[len(ms)-1].Version {
			t.Fatalf("applied %v, want all of %d migrations", got, len(ms))
		}
		again, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 0 {
			t.Fatalf("second Migrate applied %v, want nothing", again)
		}
	})
}

func TestSettingOrInitKeepsFirstValue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1, err := db.SettingOrInit(ctx, "k", func() string { return "one" })
		if err != nil {
			t.Fatal(err)
		}
		v2, err := db.SettingOrInit(ctx, "k", func() string { return "two" })
		if err != nil {
			t.Fatal(err)
		}
		if v1 != "one" || v2 != "one" {
			t.Fatalf("got %q then %q, want one twice", v1, v2)
		}
	})
}

func TestRebindSkipsStringLiterals(t *testing.T) {
	cases := map[string]string{
		"SELECT ? FROM t WHERE a = ?":        "SELECT $1 FROM t WHERE a = $2",
		"SELECT '?' , ? FROM t":              "SELECT '?' , $1 FROM t",
		"UPDATE t SET a = 'x?y' WHERE b = ?": "UPDATE t SET a = 'x?y' WHERE b = $1",
	}
	for in, want := range cases {
		if got := store.RebindDollar(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPreparedReadsSeeCommittedWrites: a read prepared once answers like
// the unprepared query, sees every later commit, and survives a burst of
// concurrent readers (each read connection prepares it on first use).
func TestPreparedReadsSeeCommittedWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const q = "SELECT value FROM settings WHERE key = ?"
		if err := db.PrepareReads(ctx, q); err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"one", "two"} {
			if err := db.SetSetting(ctx, "prepared_read", want); err != nil {
				t.Fatal(err)
			}
			var got string
			if err := db.QueryRow(ctx, q, "prepared_read").Scan(&got); err != nil || got != want {
				t.Fatalf("read %d = %q, %v; want %q", i, got, err, want)
			}
		}
		errs := make(chan error, 16)
		for range 16 {
			go func() {
				var got string
				err := db.QueryRow(ctx, q, "prepared_read").Scan(&got)
				if err == nil && got != "two" {
					err = fmt.Errorf("concurrent read = %q, want two", got)
				}
				errs <- err
			}()
		}
		for range 16 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}
