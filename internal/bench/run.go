package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// setupConcurrency bounds how many users are set up at once.
	setupConcurrency = 32
	// wsWait is how long a user waits, after sending, for its messages to
	// come back on its contact WebSocket.
	wsWait = 5 * time.Second
)

// Run benchmarks the server at opt.BaseURL.
//
// It first creates one conversation per user (and, with opt.WebSocket,
// opens each user's contact WebSocket), at most setupConcurrency at a time;
// if that fails for any user Run returns the error. Then every user sends
// its messages one after another, waiting for each acknowledgement, and the
// acknowledgement latency of each message is measured from the start of its
// first attempt to its parsed 201 or 200 response. A failed attempt is
// retried once with the same client_message_id; a message whose retry fails
// too counts in Result.Errors. The throughput window is the sending phase
// alone.
//
// If ctx ends during the sending phase, Run stops sending and returns what
// was measured so far together with ctx.Err().
func Run(ctx context.Context, opt Options) (Result, error) {
	if err := opt.validate(); err != nil {
		return Result{}, err
	}
	r := &run{
		opt:   opt,
		base:  strings.TrimRight(opt.BaseURL, "/"),
		runID: newRunID(),
		hc:    newHTTPClient(opt.Users),
	}
	defer r.hc.CloseIdleConnections()
	r.prog = newProgress(opt.Progress, opt.Users, opt.WebSocket, &r.ctr)
	go r.prog.run()
	defer r.prog.finish()

	// Contact WebSockets are read until the end of the run.
	readCtx, cancelRead := context.WithCancel(ctx)
	defer cancelRead()

	users, err := r.setup(ctx, readCtx)
	if err != nil {
		return Result{Users: opt.Users}, err
	}

	start := time.Now()
	r.ctr.active.Store(int64(len(users)))
	r.prog.sending(start)
	var deadline time.Time
	if opt.Duration > 0 {
		deadline = start.Add(opt.Duration)
	}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() { r.runUser(ctx, u, deadline) })
	}
	wg.Wait()
	r.prog.finish()

	res := Result{Users: opt.Users, Errors: int(r.ctr.errors.Load())}
	var end time.Time
	n := 0
	for _, u := range users {
		n += len(u.lat)
		if u.sendEnd.After(end) {
			end = u.sendEnd
		}
	}
	samples := make([]time.Duration, 0, n)
	for _, u := range users {
		samples = append(samples, u.lat...)
	}
	res.Messages = len(samples)
	res.setWindow(end.Sub(start))
	res.setLatencies(samples)
	if opt.WebSocket {
		res.WSReceived = int(r.ctr.ws.Load())
	}
	return res, ctx.Err()
}

// run is the state of one Run.
type run struct {
	opt   Options
	base  string // BaseURL without trailing slash
	runID string // makes client_message_ids and emails unique across runs
	hc    *http.Client
	ctr   counters
	prog  *progress
}

// user is one simulated chat user.
type user struct {
	n       int // from 1
	snd     *sender
	ws      *contactSocket // nil without Options.WebSocket
	lat     []time.Duration
	lastSeq int64 // highest seq acknowledged
	sendEnd time.Time
}

// newRunID returns a short random identifier.
func newRunID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// retry calls f and, if it fails while ctx is still live, calls it once more.
func retry(ctx context.Context, f func() error) error {
	err := f()
	if err != nil && ctx.Err() == nil {
		err = f()
	}
	return err
}

// setup creates all users, at most setupConcurrency at a time, stopping at
// the first failure. Requests use setupCtx; the users' senders use ctx and
// their WebSockets are read until readCtx ends.
func (r *run) setup(ctx, readCtx context.Context) ([]*user, error) {
	setupCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	users := make([]*user, r.opt.Users)
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for range min(r.opt.Users, setupConcurrency) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(users) || setupCtx.Err() != nil {
					return
				}
				u, err := r.newUser(setupCtx, ctx, readCtx, i+1)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					return
				}
				users[i] = u
				r.ctr.ready.Add(1)
			}
		})
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		for _, u := range users {
			if u != nil && u.ws != nil {
				u.ws.closeNow()
			}
		}
		return nil, firstErr
	}
	return users, nil
}

// newUser creates user number n: its conversation, its sender and, with
// Options.WebSocket, its contact WebSocket.
func (r *run) newUser(setupCtx, ctx, readCtx context.Context, n int) (*user, error) {
	ns := strconv.Itoa(n)
	var conv conversation
	err := retry(setupCtx, func() error {
		var err error
		conv, err = createConversation(setupCtx, r.hc, r.base, r.opt.InboxKey,
			"Bench user "+ns, "bench-"+r.runID+"-"+ns+"@example.com")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bench: user %d: create conversation: %w", n, err)
	}
	snd, err := newSender(ctx, r.base, r.runID, n, conv)
	if err != nil {
		return nil, fmt.Errorf("bench: user %d: %w", n, err)
	}
	u := &user{n: n, snd: snd}
	if r.opt.WebSocket {
		err := retry(setupCtx, func() error {
			var err error
			u.ws, err = dialContact(setupCtx, readCtx, r.hc, r.base, conv, &r.ctr.ws)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("bench: user %d: contact websocket: %w", n, err)
		}
	}
	return u, nil
}

// runUser sends u's messages one after another until it has sent
// Options.Messages or deadline (when not zero) has passed, then waits for
// them on its contact WebSocket, if any, and closes it.
func (r *run) runUser(ctx context.Context, u *user, deadline time.Time) {
	capHint := r.opt.Messages
	if !deadline.IsZero() || capHint > 1<<16 {
		capHint = 1024
	}
	u.lat = make([]time.Duration, 0, capHint)
	defer u.snd.close()
	for n := 1; ctx.Err() == nil; n++ {
		if deadline.IsZero() && n > r.opt.Messages {
			break
		}
		u.snd.build(n)
		t0 := time.Now()
		if !deadline.IsZero() && !t0.Before(deadline) {
			break
		}
		seq, err := u.snd.post()
		if err != nil && ctx.Err() == nil {
			seq, err = u.snd.post() // same client_message_id
		}
		if err != nil {
			if ctx.Err() != nil {
				break // cancelled, not failed
			}
			r.ctr.errors.Add(1)
			r.prog.note("user %d: message %d failed: %v", u.n, n, err)
			continue
		}
		u.lat = append(u.lat, time.Since(t0))
		r.ctr.acked.Add(1)
		u.lastSeq = max(u.lastSeq, seq)
	}
	u.sendEnd = time.Now()
	r.ctr.active.Add(-1)

	if u.ws == nil {
		return
	}
	if u.lastSeq > 0 && !u.ws.waitFor(ctx, u.lastSeq, wsWait) && ctx.Err() == nil {
		select {
		case <-u.ws.exited:
			r.prog.note("user %d: contact websocket ended before seq %d arrived: %v", u.n, u.lastSeq, u.ws.err)
		default:
			r.prog.note("user %d: contact websocket: seq %d not received within %v (highest seen %d)",
				u.n, u.lastSeq, wsWait, u.ws.maxSeq.Load())
		}
	}
	u.ws.close()
}
