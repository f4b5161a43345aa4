package main

import (
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/store/pgtest"
)

// termAfterAcks is how many acknowledged messages the server must have
// taken before it is sent SIGTERM.
const termAfterAcks = 300

// TestGracefulShutdownDrains sends SIGTERM while visitors stream messages.
// Each send must end acknowledged (2xx), refused with a 503 JSON error, or
// without an answer (connection refused or closed) — and every acknowledged
// one must be in the database after a restart. The process exits 0 within
// the shutdown timeout.
func TestGracefulShutdownDrains(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testDrain(t, serverOpts{data: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		testDrain(t, serverOpts{data: t.TempDir(), db: pgtest.URL(t)})
	})
}

func testDrain(t *testing.T, o serverOpts) {
	o.extra = append([]string{"--shutdown-timeout", shutdownTimeout.String()}, unlimitedFlags...)
	srv := startServer(t, o)
	a := newAPI(srv.URL)
	defer a.close()
	f := newFleet(t, a, inboxKey(t, o))
	f.stream(t, a, true)
	f.waitAcks(t, termAfterAcks)

	f.stopping.Store(true)
	before := f.acks.Load()
	took := srv.terminate(t)
	if took > shutdownTimeout {
		t.Errorf("graceful stop took %v, longer than the shutdown timeout %v", took, shutdownTimeout)
	}
	f.wait(t)
	t.Logf("stopped in %v; %d messages acknowledged after SIGTERM was sent", took, f.acks.Load()-before)
	if log := srv.stderr.String(); !strings.Contains(log, "msg=stopped") {
		t.Errorf("the log does not end with a clean stop:\n%s", log)
	}

	srv = startServer(t, o)
	a = newAPI(srv.URL)
	defer a.close()
	f.resume(t, a)
	f.verify(t, a)
}
