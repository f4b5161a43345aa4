// Package pgtest gives tests a real, throw-away PostgreSQL server.
//
// URL returns a connection URL to a fresh, empty database created for the
// calling test and dropped again when the test ends. The databases live in a
// single temporary cluster that is started lazily (initdb + pg_ctl, using
// Debian's /usr/lib/postgresql/<version>/bin binaries) the first time a test
// asks for one, and reused by every later caller in the same test process.
// Main stops that cluster and removes its files once the tests have run, so a
// package using URL should declare
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Setting HUIYING_TEST_POSTGRES_URL to the URL of an existing server makes
// URL create its databases there instead of starting a cluster; the user in
// that URL needs the CREATEDB privilege. HUIYING_PG_BIN names a folder
// holding initdb and pg_ctl, for installations outside the usual places.
//
// A real server is used, rather than a fake, so that tests exercise the same
// SQL dialect, locking and constraint behaviour as production.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	// Registers the "pgx" database/sql driver used for the admin connection;
	// callers use the same driver with the URLs handed out.
	_ "github.com/jackc/pgx/v5/stdlib"
)

const (
	// EnvURL names an existing server to use instead of a temporary cluster.
	EnvURL = "HUIYING_TEST_POSTGRES_URL"
	// EnvBin names a folder holding initdb and pg_ctl.
	EnvBin = "HUIYING_PG_BIN"

	skipMessage = "PostgreSQL not installed: apt-get install postgresql (tests start a temporary cluster with initdb/pg_ctl)"

	// startTimeout bounds initdb and pg_ctl start; a cold initdb on a slow
	// CI disk takes a few seconds, so this only catches real hangs.
	startTimeout = 60 * time.Second
)

// errNotInstalled marks the one setup failure that skips rather than fails:
// a machine without PostgreSQL simply cannot run these tests.
var errNotInstalled = errors.New(skipMessage)

// server is the process-wide state. Tests in one package may run in parallel
// and all share one cluster, so the lazy start and teardown go through mu.
// Package-level mutable state is acceptable here only because this is a
// test helper whose lifetime is exactly one test binary.
var server state

type state struct {
	mu      sync.Mutex
	started bool   // setup was attempted; err holds its outcome
	inMain  bool   // Main runs the tests, so the cluster is stopped after them
	err     error  // setup failure, repeated to every caller
	baseURL string // admin URL; per-test URLs differ only in the database
	admin   *sql.DB
	seq     int // per-process counter, keeps database names readable

	// Set only when this process started its own cluster.
	dir    string // temp folder: data directory, socket and log
	pgCtl  string // path to pg_ctl
	asUser string // "postgres" when commands must go through runuser
}

// URL returns a postgres:// URL (for database/sql with driver "pgx") to a new,
// empty database that is dropped when t finishes. It skips t when PostgreSQL
// is not installed and fails it when the server cannot be set up.
func URL(t testing.TB) string {
	t.Helper()

	server.mu.Lock()
	if !server.inMain {
		server.mu.Unlock()
		t.Fatal("pgtest: this test package has no func TestMain(m *testing.M) { pgtest.Main(m) }, " +
			"so the PostgreSQL cluster it starts would outlive the test binary; add it")
	}
	if !server.started {
		server.started = true
		server.err = setup()
	}
	err, admin, base := server.err, server.admin, server.baseURL
	server.seq++
	seq := server.seq
	server.mu.Unlock()

	if errors.Is(err, errNotInstalled) {
		t.Skip(skipMessage)
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}

	// The pid and random part keep names unique across test processes that
	// share one server through HUIYING_TEST_POSTGRES_URL (go test runs
	// packages in parallel); seq keeps them unique within this process.
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("pgtest_%d_%d_%s", os.Getpid(), seq, hex.EncodeToString(rnd[:]))

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	// template0 guarantees an empty database even if template1 on a shared
	// server has been given extensions or tables.
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		// FORCE (PG13+) terminates connections the test leaked, so a
		// forgotten db.Close does not leave the database behind. Errors are
		// ignored: the database is disposable and the cluster is too.
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: parse server URL: %v", err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// Main runs the tests, then stops the cluster started by URL (if any) and
// removes its files before exiting with the tests' exit code. Use it as
// func TestMain(m *testing.M) { pgtest.Main(m) }; without it the cluster
// outlives the test binary.
func Main(m *testing.M) {
	server.mu.Lock()
	server.inMain = true
	server.mu.Unlock()
	code := m.Run()
	stop()
	os.Exit(code)
}

// stop tears down whatever setup created. It is safe to call when nothing
// was started.
func stop() {
	server.mu.Lock()
	defer server.mu.Unlock()

	if server.admin != nil {
		_ = server.admin.Close()
		server.admin = nil
	}
	if server.dir == "" {
		return
	}
	// Immediate mode: the data is thrown away, so there is no point waiting
	// for a clean checkpoint.
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	_, _ = server.run(ctx, server.pgCtl, "stop", "-D", filepath.Join(server.dir, "data"), "-m", "immediate", "-w")
	_ = os.RemoveAll(server.dir)
	server.dir = ""
}

// setup connects to HUIYING_TEST_POSTGRES_URL or starts a temporary cluster,
// and opens the admin connection. Called with server.mu held.
func setup() error {
	if env := os.Getenv(EnvURL); env != "" {
		return connect(env)
	}

	initdb, pgCtl, err := findBin()
	if err != nil {
		return err
	}
	server.pgCtl = pgCtl

	// initdb and postgres refuse to run as root, and test machines often are
	// root, so hand the work to the postgres user that Debian's package
	// creates.
	var uid, gid = -1, -1
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("runuser"); err != nil {
			return fmt.Errorf("running as root needs runuser to start PostgreSQL as user postgres: %w", err)
		}
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs a postgres user to own the temporary cluster (apt-get install postgresql creates one): %w", err)
		}
		if uid, err = strconv.Atoi(u.Uid); err != nil {
			return fmt.Errorf("postgres uid %q: %w", u.Uid, err)
		}
		if gid, err = strconv.Atoi(u.Gid); err != nil {
			return fmt.Errorf("postgres gid %q: %w", u.Gid, err)
		}
		server.asUser = "postgres"
	}

	dir, err := os.MkdirTemp(tempBase(), "pgtest-")
	if err != nil {
		return fmt.Errorf("create temp folder: %w", err)
	}
	server.dir = dir
	if uid >= 0 {
		if err := os.Chown(dir, uid, gid); err != nil {
			return fmt.Errorf("chown %s to postgres: %w", dir, err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()

	dataDir := filepath.Join(dir, "data")
	// trust auth: the server only listens on loopback and a private socket
	// folder, and lives for one test run, so passwords would add nothing.
	out, err := server.run(ctx, initdb,
		"-D", dataDir, "-A", "trust", "-U", "postgres",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	if err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}

	// The free port is found by binding and releasing it, so another process
	// can grab it in between; retrying with a fresh port covers that race.
	logFile := filepath.Join(dir, "postgres.log")
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		// Durability settings are off because the data is disposable and
		// fsync dominates the run time of database-heavy tests.
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s"+
			" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"+
			" -c max_connections=200", port, shellQuote(dir))
		out, err = server.run(ctx, server.pgCtl, "start", "-D", dataDir, "-l", logFile,
			"-w", "-t", strconv.Itoa(int(startTimeout/time.Second)), "-o", opts)
		if err == nil {
			return connect(fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port))
		}
		if attempt == 3 || ctx.Err() != nil {
			return fmt.Errorf("pg_ctl start: %v\n%s\nserver log (%s):\n%s", err, out, logFile, logTail(logFile))
		}
	}
}

// connect opens and checks the admin connection used to create and drop the
// per-test databases.
func connect(rawURL string) error {
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return fmt.Errorf("open admin connection: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("connect to %s: %w", redact(rawURL), err)
	}
	server.admin = db
	server.baseURL = rawURL
	return nil
}

// run executes a PostgreSQL binary, through runuser when running as root,
// and returns its combined output for error messages.
func (s *state) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	if s.asUser != "" {
		args = append([]string{"-u", s.asUser, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	// The postgres user may not be able to enter the current directory (for
	// example /root), which initdb and pg_ctl complain about.
	cmd.Dir = s.dir
	// pg_ctl's server keeps no handle on our pipes (it logs to -l), but if a
	// child ever did, WaitDelay stops Wait from hanging on it.
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}

// findBin returns the paths of initdb and pg_ctl, taken from HUIYING_PG_BIN
// if set, else Debian's /usr/lib/postgresql/<highest version>/bin (which is
// not on PATH), else wherever PATH finds them.
func findBin() (initdb, pgCtl string, err error) {
	if dir := os.Getenv(EnvBin); dir != "" {
		if !hasBinaries(dir) {
			return "", "", fmt.Errorf("%s=%s does not contain initdb and pg_ctl", EnvBin, dir)
		}
		return filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl"), nil
	}

	if entries, err := os.ReadDir("/usr/lib/postgresql"); err == nil {
		var versions []string
		for _, e := range entries {
			if versionKey(e.Name()) != nil && hasBinaries(filepath.Join("/usr/lib/postgresql", e.Name(), "bin")) {
				versions = append(versions, e.Name())
			}
		}
		sort.Slice(versions, func(i, j int) bool { return lessVersion(versions[j], versions[i]) })
		if len(versions) > 0 {
			dir := filepath.Join("/usr/lib/postgresql", versions[0], "bin")
			return filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl"), nil
		}
	}

	// Elsewhere (Homebrew, other distributions) the binaries are on PATH.
	if initdb, err = exec.LookPath("initdb"); err != nil {
		return "", "", errNotInstalled
	}
	pgCtl, err = exec.LookPath("pg_ctl")
	if err != nil {
		return "", "", errNotInstalled
	}
	return initdb, pgCtl, nil
}

func hasBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionKey parses folder names such as "15" or "9.6"; nil means the name
// is not a version.
func versionKey(name string) []int {
	var key []int
	for _, part := range strings.Split(name, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil
		}
		key = append(key, n)
	}
	return key
}

// lessVersion compares numerically, so "10" sorts above "9.6".
func lessVersion(a, b string) bool {
	ka, kb := versionKey(a), versionKey(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if ka[i] != kb[i] {
			return ka[i] < kb[i]
		}
	}
	return len(ka) < len(kb)
}

// tempBase picks where the cluster's temp folder goes. When running as root
// the postgres user must be able to reach it, and the socket path must stay
// under the ~107-byte limit for Unix sockets; /tmp satisfies both when
// TMPDIR does not.
func tempBase() string {
	base := os.TempDir()
	if len(base) > 60 || (os.Geteuid() == 0 && !traversable(base)) {
		return "/tmp"
	}
	return base
}

// traversable reports whether every folder on the path lets others search
// it, i.e. whether a non-root user can reach a folder created inside.
func traversable(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// shellQuote quotes s for /bin/sh: pg_ctl splices -o into a shell command.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// logTail returns the end of the server log, where the reason for a failed
// start is written.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	const max = 4000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}

// redact hides a password in a URL before it goes into an error message.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
