// Package store opens Huiying's database (embedded SQLite or PostgreSQL),
// applies the embedded migrations and keeps the few dialect differences in
// one place so that every other package writes one set of portable SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the application's database handle. Writes go through Write, reads
// through Read: on SQLite these are a single writer connection and a pool of
// read-only connections (SQLite allows one writer at a time and readers never
// block it in WAL mode); on PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB

	mu     sync.RWMutex
	rebind map[string]string
	stmts  map[string]*sql.Stmt // prepared on the write pool, keyed by the "?" query
	reads  map[string]*sql.Stmt // prepared on the read pool (PrepareReads)

	afterCommit atomic.Pointer[func()]
}

// AfterCommit sets the one function called after every write transaction
// commits, on the committing goroutine, before the writer answers anyone:
// the bus dispatcher's Notify, so events are published at once instead of
// on the next poll, whoever wrote them (intake's group commit, agent
// replies, updates, the bot). It replaces any earlier function; nil removes
// it. It must be quick and must not write.
func (db *DB) AfterCommit(f func()) {
	if f == nil {
		db.afterCommit.Store(nil)
		return
	}
	db.afterCommit.Store(&f)
}

// Open opens the database named by url. An empty url or one starting with
// "sqlite:" or "file:" means SQLite; a plain path is also SQLite; a url
// starting with "postgres://" or "postgresql://" means PostgreSQL.
func Open(ctx context.Context, url string) (*DB, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "file:")
		if path == "" {
			return nil, errors.New("open database: empty SQLite path")
		}
		return openSQLite(ctx, path)
	}
}

// SQLitePath is the database file inside a data folder.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "huiying.db") }

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := privateFiles(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// synchronous=FULL: a commit is on disk before we acknowledge it, which is
	// the whole promise of intake. Group commit in intake amortises the fsync.
	// secure_delete=ON: text overwritten or deleted (a secret redacted after
	// the fact) is zeroed in the page, not left in free space.
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=secure_delete(ON)" +
		"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_txlock=immediate"
	w, err := sql.Open("sqlite", "file:"+path+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+pragmas+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{Dialect: SQLite, write: w, read: r, rebind: map[string]string{}, stmts: map[string]*sql.Stmt{},
		reads: map[string]*sql.Stmt{}}, nil
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	db.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w (check --db and that the server is running)", err)
	}
	return &DB{Dialect: Postgres, write: db, read: db, rebind: map[string]string{}, stmts: map[string]*sql.Stmt{},
		reads: map[string]*sql.Stmt{}}, nil
}

// Close closes all connections.
func (db *DB) Close() error {
	db.mu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	for _, st := range db.reads {
		st.Close()
	}
	db.stmts, db.reads = map[string]*sql.Stmt{}, map[string]*sql.Stmt{}
	db.mu.Unlock()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Q rewrites a query written with "?" placeholders for the dialect. Results
// are cached: queries are constants, so the cache stays small.
func (db *DB) Q(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	db.mu.RLock()
	q, ok := db.rebind[query]
	db.mu.RUnlock()
	if ok {
		return q
	}
	q = rebindDollar(query)
	db.mu.Lock()
	db.rebind[query] = q
	db.mu.Unlock()
	return q
}

// rebindDollar turns ? into $1, $2, … outside of string literals.
func rebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	inStr := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Tx is a write transaction whose Exec/Query take "?" placeholders.
type Tx struct {
	db    *DB
	tx    *sql.Tx
	stmts map[*sql.Stmt]*sql.Stmt // prepared statements bound to this transaction
}

// WriteLockQuery is taken first by every PostgreSQL write transaction.
const WriteLockQuery = "SELECT pg_advisory_xact_lock(4242002)"

// Begin starts a write transaction. Callers: defer tx.Rollback(), then Commit.
//
// On PostgreSQL the transaction first takes one advisory lock, so write
// transactions run one at a time, as they do on SQLite. That keeps outbox
// event ids in commit order (the dispatcher reads "id > cursor" and must
// never step over a row that commits later), rules out deadlocks between
// conversation row locks, and makes read-modify-write updates safe. Group
// commit keeps throughput: one transaction carries many messages.
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	t := &Tx{db: db, tx: tx}
	if db.Dialect == Postgres {
		if _, err := t.Exec(ctx, WriteLockQuery); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("take write lock: %w", err)
		}
	}
	return t, nil
}

// InTx runs fn in a write transaction and commits it when fn succeeds.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Prepare prepares queries on the write pool, to be reused by every
// transaction that runs them: this skips SQL parsing on the intake hot path.
// Call it before writes begin: on SQLite the write pool has one connection,
// and preparing while a transaction holds it would wait for that
// transaction to end.
func (db *DB) Prepare(ctx context.Context, queries ...string) error {
	return db.prepareOn(ctx, db.write, db.stmts, queries)
}

// prepareOn prepares queries on pool and keeps them in m (db.stmts or
// db.reads), closing any statement they replace.
func (db *DB) prepareOn(ctx context.Context, pool *sql.DB, m map[string]*sql.Stmt, queries []string) error {
	for _, q := range queries {
		st, err := pool.PrepareContext(ctx, db.Q(q))
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		db.mu.Lock()
		if old, ok := m[q]; ok {
			old.Close()
		}
		m[q] = st
		db.mu.Unlock()
	}
	return nil
}

// PrepareReads prepares read queries that run for every message or batch
// (the dispatcher's read of new events, the bot's read of a conversation),
// so Query and QueryRow skip parsing them; each read connection prepares
// them on first use.
func (db *DB) PrepareReads(ctx context.Context, queries ...string) error {
	return db.prepareOn(ctx, db.read, db.reads, queries)
}

// readStmt returns the prepared read statement for query, or nil.
func (db *DB) readStmt(query string) *sql.Stmt {
	db.mu.RLock()
	st := db.reads[query]
	db.mu.RUnlock()
	return st
}

// stmt returns the prepared statement for query, or nil.
func (db *DB) stmt(query string) *sql.Stmt {
	db.mu.RLock()
	st := db.stmts[query]
	db.mu.RUnlock()
	return st
}

// prepared returns the transaction's binding of query's prepared
// statement, or nil. Binding once per transaction matters: a group-commit
// batch runs the same few statements hundreds of times.
func (tx *Tx) prepared(ctx context.Context, query string) *sql.Stmt {
	st := tx.db.stmt(query)
	if st == nil {
		return nil
	}
	if b, ok := tx.stmts[st]; ok {
		return b
	}
	if tx.stmts == nil {
		tx.stmts = map[*sql.Stmt]*sql.Stmt{}
	}
	b := tx.tx.StmtContext(ctx, st)
	tx.stmts[st] = b
	return b
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, tx.db.Q(query), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, tx.db.Q(query), args...)
}

// QueryRow runs a single-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, tx.db.Q(query), args...)
}

// Dialect is the engine the transaction runs on.
func (tx *Tx) Dialect() Dialect { return tx.db.Dialect }

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if f := tx.db.afterCommit.Load(); f != nil {
		(*f)()
	}
	return nil
}

// Rollback aborts the transaction; after Commit it is a no-op.
func (tx *Tx) Rollback() { _ = tx.tx.Rollback() }

// Query runs a read query.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.readStmt(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, db.Q(query), args...)
}

// QueryRow runs a single-row read query.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readStmt(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.Q(query), args...)
}

// Exec runs a single write statement in its own transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, db.Q(query), args...)
}

// Ping checks that the database answers; used by readiness checks.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("database ping: %w", err)
	}
	return nil
}

// walBusyTimeout bounds how long TruncateWAL waits for readers, during
// which writers wait too.
const walBusyTimeout = 250 * time.Millisecond

// TruncateWAL, on SQLite, copies the write-ahead log into the database file
// and empties the log, so that the old versions of rows just overwritten
// (a secret redacted after the fact) are gone from the disk too. It waits
// at most walBusyTimeout for readers, holding the one write connection, and
// reports an error when readers kept it from finishing (the log is then
// emptied at a later checkpoint). On PostgreSQL it does nothing.
func (db *DB) TruncateWAL(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", walBusyTimeout.Milliseconds())); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	var busy, frames, done int
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = 10000"); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: readers kept %d of %d log frames from the database file", frames-done, frames)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Placeholders is n bind marks separated by commas, for "IN (…)".
func Placeholders(n int) string {
	b := make([]byte, 0, n*2)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}
