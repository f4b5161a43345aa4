package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/web/wsx"
)

// agentRecheckEvery is how often an open agent socket re-checks its
// credential (and pings). It bounds how long a change made on another node,
// which this node is not told of, leaves a socket open.
const agentRecheckEvery = 15 * time.Second

// Close reasons of an agent socket whose access ended or changed. The
// console signs in again on the first; it reconnects on the second.
const (
	reasonAccessEnded = "signed out, or access revoked or expired; sign in again"
	reasonRoleChanged = "your role changed; reconnect"
	reasonCheckFailed = "could not re-check your access; reconnect"
)

// agentStreams keeps the open /ws/agent sockets by agent, so that a change
// to an agent's access reaches that agent's sockets at once.
type agentStreams struct {
	mu      sync.Mutex
	byAgent map[string]map[*agentWatch]struct{}
}

// agentWatch is one open agent socket's hold on the credential that opened
// it: the socket forwards nothing once the credential stops being valid.
type agentWatch struct {
	agentID string
	role    auth.Role // as authorized when the socket opened
	check   func(context.Context) (auth.Grant, error)
	// suspect is set by AccessChanged, synchronously, before the socket
	// is woken: every frame after it waits for a fresh check.
	suspect atomic.Bool
	wake    chan struct{}

	// Owned by the stream's goroutine.
	until time.Time // the credential's end as of the last check; zero: none
	timer *time.Timer
}

func (r *agentStreams) add(w *agentWatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byAgent == nil {
		r.byAgent = map[string]map[*agentWatch]struct{}{}
	}
	m := r.byAgent[w.agentID]
	if m == nil {
		m = map[*agentWatch]struct{}{}
		r.byAgent[w.agentID] = m
	}
	m[w] = struct{}{}
}

func (r *agentStreams) remove(w *agentWatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.byAgent[w.agentID]; m != nil {
		delete(m, w)
		if len(m) == 0 {
			delete(r.byAgent, w.agentID)
		}
	}
}

// AccessChanged is told (by auth.Service.OnAccessChanged) that the agent's
// sessions, tokens, role or active flag changed. Each of the agent's open
// sockets stops forwarding until it has re-checked its credential, and is
// woken to do so now; one whose credential ended closes with 1008.
func (s *Server) AccessChanged(agentID string) {
	s.agentStreams.mu.Lock()
	defer s.agentStreams.mu.Unlock()
	for w := range s.agentStreams.byAgent[agentID] {
		w.suspect.Store(true)
		select {
		case w.wake <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
}

// watchAgent registers the socket about to open for r and checks its
// credential once more: a change between the guard's check and the
// registration is not missed. The caller must call done.
func (s *Server) watchAgent(r *http.Request) (w *agentWatch, done func(), err error) {
	w = &agentWatch{agentID: agentFrom(r).ID, role: agentFrom(r).Role, wake: make(chan struct{}, 1)}
	if tok := bearer(r); tok != "" {
		w.check = func(ctx context.Context) (auth.Grant, error) { return s.Auth.CheckToken(ctx, tok) }
	} else {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			return nil, nil, apperr.New(apperr.Unauthorized, "not signed in")
		}
		w.check = func(ctx context.Context) (auth.Grant, error) { return s.Auth.CheckSession(ctx, c.Value) }
	}
	s.agentStreams.add(w)
	done = func() {
		s.agentStreams.remove(w)
		if w.timer != nil {
			w.timer.Stop()
		}
	}
	g, err := w.check(r.Context())
	if err == nil && g.Agent.Role != w.role {
		err = apperr.New(apperr.Unauthorized, "your role changed; reconnect")
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	w.timer = time.NewTimer(time.Hour)
	w.arm(g.Until)
	return w, done, nil
}

// arm sets the timer to fire when the credential ends.
func (w *agentWatch) arm(until time.Time) {
	w.until = until
	d := agentRecheckEvery
	if !until.IsZero() {
		d = time.Until(until) + 10*time.Millisecond
		if d <= 0 {
			d = agentRecheckEvery // the service's clock disagrees: re-check with the pings
		}
	}
	w.timer.Reset(d)
}

// expired reports whether the credential's time is up.
func (w *agentWatch) expired() bool {
	return !w.until.IsZero() && !time.Now().Before(w.until)
}

// Allow is called before each frame and on each wake-up, expiry and ping
// (force). It re-checks the credential when told the access changed, when
// its time is up, or when forced, and closes the socket with 1008 when it
// is no longer valid or the role changed. It returns wsx.ErrEnded after
// closing. A nil watch (the contact stream) allows everything.
func (w *agentWatch) Allow(ctx context.Context, conn *websocket.Conn, force bool) error {
	if w == nil || (!force && !w.suspect.Load() && !w.expired()) {
		return nil
	}
	// Cleared before the check, so a change committed during it marks the
	// socket again.
	w.suspect.Store(false)
	cctx, cancel := context.WithTimeout(ctx, wsx.WriteTimeout)
	g, err := w.check(cctx)
	cancel()
	switch {
	case apperr.Is(err, apperr.Unauthorized) || apperr.Is(err, apperr.NotFound):
		conn.Close(websocket.StatusPolicyViolation, reasonAccessEnded)
		return wsx.ErrEnded
	case err != nil:
		// Fail closed: a socket whose access cannot be confirmed stops.
		conn.Close(websocket.StatusInternalError, reasonCheckFailed)
		return wsx.ErrEnded
	case g.Agent.Role != w.role:
		conn.Close(websocket.StatusPolicyViolation, reasonRoleChanged)
		return wsx.ErrEnded
	}
	w.arm(g.Until)
	return nil
}

// Signals returns the channels a stream loop selects on for w (nil ones,
// which never fire, for the contact stream).
func (w *agentWatch) Signals() (wake <-chan struct{}, expiry <-chan time.Time) {
	if w == nil {
		return nil, nil
	}
	return w.wake, w.timer.C
}
