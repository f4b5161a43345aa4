// Package storetest gives tests a migrated database on each engine: SQLite
// always, and a real PostgreSQL server (started by pgtest) when its binaries
// are installed. Test packages that use it need
// func TestMain(m *testing.M) { pgtest.Main(m) }.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
)

// SQLite returns a migrated SQLite database in a temp folder.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "huiying.db"))
}

// Postgres returns a migrated, empty PostgreSQL database (or skips).
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, pgtest.URL(t))
}

// URL returns a database URL for the named engine ("sqlite" or "postgres")
// without opening it, for tests that start the real binary.
func URL(t testing.TB, engine string) string {
	t.Helper()
	if engine == "postgres" {
		return pgtest.URL(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "huiying.db")
}

func open(t testing.TB, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// Engines are the engine names Each runs on.
var Engines = []string{"sqlite", "postgres"}

// Each runs fn as a subtest on each engine with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e, func(t *testing.T) {
			if e == "postgres" {
				fn(t, Postgres(t))
			} else {
				fn(t, SQLite(t))
			}
		})
	}
}
