package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/store/pgtest"
)

// killAfterAcks is how many acknowledged messages the server must have
// taken before it is killed: a count, not a time, so that a slow machine
// still kills it mid-stream rather than before the stream got going.
const killAfterAcks = 500

// TestKill9LosesNothing kills the server with SIGKILL while visitors stream
// messages, restarts it on the same database, lets every visitor retry its
// unanswered message with the same client_message_id, and checks that every
// acknowledged message survived exactly once with its seq, and that every
// conversation is numbered 1..N without gaps or duplicates.
func TestKill9LosesNothing(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testKill9(t, serverOpts{data: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		testKill9(t, serverOpts{data: t.TempDir(), db: pgtest.URL(t)})
	})
}

func testKill9(t *testing.T, o serverOpts) {
	o.extra = unlimitedFlags
	srv := startServer(t, o)
	a := newAPI(srv.URL)
	defer a.close()
	f := newFleet(t, a, inboxKey(t, o))
	f.stream(t, a, false)
	f.waitAcks(t, killAfterAcks)

	f.stopping.Store(true)
	inFlight := f.inFlight.Load()
	srv.kill(t)
	f.wait(t)
	t.Logf("SIGKILL with %d requests in flight", inFlight)

	srv = startServer(t, o)
	if out := srv.stdout.String(); strings.Contains(out, "First start") {
		t.Errorf("restart on the same database bootstrapped it again:\n%s", out)
	}
	a = newAPI(srv.URL)
	defer a.close()
	f.resume(t, a)
	f.verify(t, a)
}

// inboxKey returns the public key of the first-start inbox, read with
// "huiying inbox list --json" on the server's database.
func inboxKey(t *testing.T, o serverOpts) string {
	t.Helper()
	out := runCLI(t, append([]string{"inbox", "list", "--json"}, o.args()...)...)
	var inboxes []struct {
		PublicKey string `json:"public_key"`
	}
	if err := json.Unmarshal([]byte(out), &inboxes); err != nil || len(inboxes) == 0 || inboxes[0].PublicKey == "" {
		t.Fatalf("inbox list --json: %v, want an inbox with a public_key:\n%s", err, out)
	}
	// The bot would answer the fleet's messages; these tests count only
	// what the visitors send.
	runCLI(t, append([]string{"inbox", "bot", "--off", "--key", inboxes[0].PublicKey}, o.args()...)...)
	return inboxes[0].PublicKey
}
