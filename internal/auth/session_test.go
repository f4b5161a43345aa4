package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSessionSlidingExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
		svc := auth.NewService(db, clk.now)
		a, err := svc.CreateAgent(ctx, "mei@example.com", "Mei", auth.RoleAgent, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		secret, sess, err := svc.CreateSession(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !sess.ExpiresAt.Equal(clk.now().Add(auth.SessionTTL)) || sess.CSRFToken == "" || secret == "" || sess.Agent.ID != a.ID {
			t.Fatalf("new session %+v", sess)
		}
		expectLive := func(what string) auth.Session {
			t.Helper()
			got, err := svc.SessionAgent(ctx, secret)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if got.Agent.ID != a.ID || got.CSRFToken != sess.CSRFToken {
				t.Fatalf("%s: session %+v", what, got)
			}
			return got
		}
		expectEnded := func(what string) {
			t.Helper()
			if _, err := svc.SessionAgent(ctx, secret); !apperr.Is(err, apperr.Unauthorized) {
				t.Fatalf("%s: %v, want unauthorized", what, err)
			}
		}

		// Used again within a minute: valid, and no write needed.
		clk.advance(30 * time.Second)
		if got := expectLive("after 30 s"); got.Renewed {
			t.Error("renewed after 30 s; expiry should move at most once a minute")
		}
		// Used after 11 h: the expiry slides to 12 h from now.
		clk.advance(11 * time.Hour)
		got := expectLive("after 11 h")
		if !got.Renewed || !got.ExpiresAt.Equal(clk.now().Add(auth.SessionTTL)) {
			t.Fatalf("after 11 h: renewed %v, expires %v, want %v", got.Renewed, got.ExpiresAt, clk.now().Add(auth.SessionTTL))
		}
		// 23 h after sign-in, 12 h minus a millisecond after the last use: alive.
		clk.advance(auth.SessionTTL - time.Millisecond)
		expectLive("just before the slid expiry")
		// 12 h without use: ended, and the row is gone.
		clk.advance(auth.SessionTTL)
		expectEnded("12 h after the last use")
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil || n != 0 {
			t.Fatalf("sessions left: %d (%v)", n, err)
		}

		// Expired sessions of others are swept at the next sign-in.
		old, _, err := svc.CreateSession(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(auth.SessionTTL + time.Minute)
		if _, _, err := svc.CreateSession(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil || n != 1 {
			t.Fatalf("sessions after the sweep: %d (%v), want 1", n, err)
		}
		if _, err := svc.SessionAgent(ctx, old); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("swept session: %v", err)
		}

		// Sign out, unknown and empty secrets.
		secret, sess, err = svc.CreateSession(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		expectLive("fresh")
		if err := svc.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		expectEnded("after sign out")
		for _, s := range []string{"", "nope"} {
			if _, err := svc.SessionAgent(ctx, s); !apperr.Is(err, apperr.Unauthorized) {
				t.Errorf("secret %q: %v", s, err)
			}
		}

		// A deactivated agent's sessions end, and they cannot start one.
		secret, sess, err = svc.CreateSession(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		expectLive("before deactivation")
		admin, err := svc.CreateAgent(ctx, "root@example.com", "Root", auth.RoleAdmin, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		off := false
		if _, err := svc.UpdateAgent(ctx, admin.ID, a.ID, auth.AgentChange{Active: &off}); err != nil {
			t.Fatal(err)
		}
		expectEnded("after deactivation")
		if _, _, err := svc.CreateSession(ctx, a.ID); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("session for a deactivated agent: %v", err)
		}
		if _, err := svc.Login(ctx, a.Email, "correct horse battery"); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("login of a deactivated agent: %v", err)
		}
	})
}
