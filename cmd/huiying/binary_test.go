package main

// The tests in this package run the real huiying binary, built once per test
// process from this folder, as a child process on a free port, and talk to it
// over HTTP and WebSocket like any client would.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	buildTimeout = 5 * time.Minute  // a cold build compiles SQLite and pgx
	startTimeout = 60 * time.Second // first start creates and migrates the database
	exitTimeout  = 60 * time.Second // how long a stopped process may take to go away
)

var build struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// binary returns the path of the huiying binary, building it on first use.
func binary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := binDir()
		if err != nil {
			build.err = err
			return
		}
		gobin := goTool()
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		build.path = filepath.Join(dir, "huiying")
		// The test runs in the package folder, cmd/huiying.
		cmd := exec.CommandContext(ctx, gobin, "build", "-o", build.path, ".")
		build.out, build.err = cmd.CombinedOutput()
	})
	if build.err != nil {
		t.Fatalf("go build: %v\n%s", build.err, build.out)
	}
	return build.path
}

// binDir picks where the binary goes. "go test" runs the test binary inside
// its own work folder (…/go-build…/b001) and removes that folder afterwards,
// so the binary is put next to it and cleaned up with it; TestMain cannot
// remove anything itself because pgtest.Main exits the process. A test binary
// run by hand leaves its build in a temporary folder.
func binDir() (string, error) {
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return filepath.Dir(exe), nil
	}
	return os.MkdirTemp("", "huiying-test-bin-")
}

// goTool returns the go command of the toolchain on PATH, preferring the
// binary under its GOROOT so a GOTOOLCHAIN switch builds with the same Go.
func goTool() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// syncBuffer collects a child's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	// onLine, if set, sees every complete line as it arrives.
	onLine func(line string)
	part   []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if b.onLine != nil {
		b.part = append(b.part, p...)
		for {
			i := bytes.IndexByte(b.part, '\n')
			if i < 0 {
				break
			}
			b.onLine(string(b.part[:i]))
			b.part = b.part[i+1:]
		}
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serverOpts are the flags a test starts the server with.
type serverOpts struct {
	data  string   // --data (required)
	db    string   // --db, empty for SQLite in the data folder
	extra []string // more flags
}

func (o serverOpts) args() []string {
	args := []string{"--data", o.data}
	if o.db != "" {
		args = append(args, "--db", o.db)
	}
	return args
}

// server is a running huiying process.
type server struct {
	URL            string
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	exited         chan struct{} // closed when the process has been waited for
	state          *os.ProcessState
}

var listeningRE = regexp.MustCompile(`^Huiying (\S+) is listening on (http://\S+)`)

// startServer starts "huiying serve" on a free loopback port and returns
// once it prints the address it listens on. The process is stopped with
// SIGTERM (and killed if that does not work) when the test ends; its output
// is logged if the test failed.
func startServer(t *testing.T, o serverOpts) *server {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, o.args()...)
	args = append(args, o.extra...)
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	urls := make(chan string, 1)
	s.stdout.onLine = func(line string) {
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			select {
			case urls <- m[2]:
			default:
			}
		}
	}
	s.cmd = exec.Command(binary(t), args...)
	s.cmd.Env = cleanEnv()
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	s.cmd.WaitDelay = 10 * time.Second
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start huiying: %v", err)
	}
	go func() {
		_ = s.cmd.Wait()
		s.state = s.cmd.ProcessState
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.exited:
			case <-time.After(exitTimeout):
				t.Errorf("huiying did not stop within %v of SIGTERM; killing it", exitTimeout)
				_ = s.cmd.Process.Kill()
				<-s.exited
			}
		}
		if t.Failed() {
			t.Logf("huiying %s\n--- stdout:\n%s--- stderr:\n%s", strings.Join(args, " "), s.stdout, s.stderr)
		}
	})
	select {
	case s.URL = <-urls:
	case <-s.exited:
		t.Fatalf("huiying exited before listening (%v); its output follows", s.state)
	case <-time.After(startTimeout):
		// SIGQUIT makes the Go runtime print every goroutine's stack: where
		// the start hangs.
		_ = s.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
		}
		t.Fatalf("huiying did not print its address within %v; its output follows, with every goroutine's stack (SIGQUIT)", startTimeout)
	}
	return s
}

// signal sends sig to the process.
func (s *server) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("send %v to huiying: %v", sig, err)
	}
}

// wait waits for the process to exit and returns how it ended.
func (s *server) wait(t *testing.T) *os.ProcessState {
	t.Helper()
	select {
	case <-s.exited:
		return s.state
	case <-time.After(exitTimeout):
		t.Fatalf("huiying still running %v after it was told to stop", exitTimeout)
		return nil
	}
}

// kill sends SIGKILL and waits until the process is gone.
func (s *server) kill(t *testing.T) {
	t.Helper()
	s.signal(t, syscall.SIGKILL)
	st := s.wait(t)
	if ws, ok := st.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("huiying ended with %v, want killed by SIGKILL", st)
	}
}

// terminate sends SIGTERM, waits for the exit and fails the test unless the
// exit code is 0. It returns how long the process took to exit.
func (s *server) terminate(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	s.signal(t, syscall.SIGTERM)
	st := s.wait(t)
	took := time.Since(start)
	if st.ExitCode() != 0 {
		t.Fatalf("huiying exited with %v after SIGTERM, want exit code 0", st)
	}
	return took
}

// runCLI runs a huiying command to completion and returns its stdout,
// failing the test if it does not exit 0.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("huiying %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, &stdout, &stderr)
	}
	return stdout.String()
}

// cleanEnv is the test's environment without HUIYING_* settings, so that a
// developer's configuration cannot change what the tests run against.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HUIYING_") {
			env = append(env, kv)
		}
	}
	return env
}
