package store_test

import (
	"context"
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
