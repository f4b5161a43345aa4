package pgtest

import (
	"context"
	"database/sql"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// open connects to url and closes the connection when t ends.
func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestURLIsolated checks that each URL names its own empty database, so
// tests sharing the cluster cannot see each other's tables.
func TestURLIsolated(t *testing.T) {
	ctx := context.Background()
	urlA, urlB := URL(t), URL(t)
	if urlA == urlB {
		t.Fatalf("URL returned the same URL twice: %s", urlA)
	}
	a, b := open(t, urlA), open(t, urlB)

	var nameA, nameB string
	if err := a.QueryRowContext(ctx, "SELECT current_database()").Scan(&nameA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRowContext(ctx, "SELECT current_database()").Scan(&nameB); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB {
		t.Fatalf("both URLs connect to database %q", nameA)
	}

	if _, err := a.ExecContext(ctx, "CREATE TABLE widgets (id bigint PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ExecContext(ctx, "INSERT INTO widgets VALUES (1)"); err != nil {
		t.Fatal(err)
	}

	var inA, inB sql.NullString
	if err := a.QueryRowContext(ctx, "SELECT to_regclass('public.widgets')::text").Scan(&inA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRowContext(ctx, "SELECT to_regclass('public.widgets')::text").Scan(&inB); err != nil {
		t.Fatal(err)
	}
	if !inA.Valid {
		t.Errorf("table widgets missing from %s after CREATE TABLE", nameA)
	}
	if inB.Valid {
		t.Errorf("table widgets created in %s is visible in %s", nameA, nameB)
	}
}

// TestURLDroppedOnCleanup checks that a test's database is dropped when the
// test ends, even if the test left a connection open.
func TestURLDroppedOnCleanup(t *testing.T) {
	ctx := context.Background()
	var name string
	// leaked stays open until after the subtest's cleanup has dropped its
	// database: DROP ... WITH (FORCE) must terminate its connection.
	var leaked *sql.DB
	defer func() {
		if leaked != nil {
			_ = leaked.Close()
		}
	}()
	t.Run("user", func(t *testing.T) {
		db := open(t, URL(t))
		if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		var err error
		if leaked, err = sql.Open("pgx", URL(t)); err != nil {
			t.Fatal(err)
		}
		if err := leaked.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Fatal("subtest did not report its database")
	}

	var exists bool
	err := server.admin.QueryRowContext(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// TestURLParallel checks that concurrent callers share the lazily started
// cluster safely.
func TestURLParallel(t *testing.T) {
	for i := 0; i < 4; i++ {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			db := open(t, URL(t))
			if _, err := db.ExecContext(context.Background(), "CREATE TABLE t (x int)"); err != nil {
				t.Fatal(err)
			}
		})
	}
}
