package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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
	if opt.AnswerWait == 0 {
		opt.AnswerWait = 30 * time.Second
	}
	r := &run{
		opt:   opt,
		base:  strings.TrimRight(opt.BaseURL, "/"),
		runID: newRunID(),
		hc:    newHTTPClient(opt.Users),
	}
	for _, q := range opt.Questions {
		b, err := json.Marshal(q)
		if err != nil {
			return Result{}, fmt.Errorf("bench: question %q: %w", q, err)
		}
		r.questions = append(r.questions, b)
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
	if opt.AgentToken != "" {
		r.agent, err = dialAgent(ctx, readCtx, r.hc, r.base, opt.AgentToken, r.runID)
		if err != nil {
			for _, u := range users {
				if u.ws != nil {
					u.ws.closeNow()
				}
			}
			return Result{Users: opt.Users}, fmt.Errorf("bench: agent websocket: %w", err)
		}
		defer r.agent.close()
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
		wg.Go(func() { r.runUser(ctx, u, start, deadline) })
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
	var answers []time.Duration
	for _, u := range users {
		answers = append(answers, u.answers...)
	}
	res.setAnswers(answers)
	if r.agent != nil {
		r.agent.waitDelivered(ctx, wsWait)
		res.setDelivery(r.agent.latencies())
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
	// questions are Options.Questions, JSON-quoted.
	questions [][]byte
	// agent is the agent WebSocket, with Options.AgentToken.
	agent *agentSocket
}

// user is one simulated chat user.
type user struct {
	n       int // from 1
	snd     *sender
	ws      *contactSocket // nil without Options.WebSocket
	lat     []time.Duration
	lastSeq int64 // highest seq acknowledged
	sendEnd time.Time
	// asked holds when each question started being sent, answers the
	// question-to-reply latencies (Options.Questions).
	asked   []time.Time
	answers []time.Duration
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
	snd, err := newSender(ctx, r.base, r.runID, n, conv, r.questions)
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
// them on its contact WebSocket, if any, and closes it. With Options.Rate
// each message waits for its slot in the user's schedule from start.
func (r *run) runUser(ctx context.Context, u *user, start, deadline time.Time) {
	capHint := r.opt.Messages
	if !deadline.IsZero() || capHint > 1<<16 {
		capHint = 1024
	}
	u.lat = make([]time.Duration, 0, capHint)
	defer u.snd.close()
	var every time.Duration
	if r.opt.Rate > 0 {
		every = time.Duration(float64(r.opt.Users) / r.opt.Rate * float64(time.Second))
	}
	for n := 1; ctx.Err() == nil; n++ {
		if deadline.IsZero() && n > r.opt.Messages {
			break
		}
		if every > 0 && !r.waitSlot(ctx, start.Add(every*time.Duration(n-1)+every*time.Duration(u.n)/time.Duration(r.opt.Users))) {
			break
		}
		u.snd.build(n)
		t0 := time.Now()
		if !deadline.IsZero() && !t0.Before(deadline) {
			break
		}
		if r.agent != nil {
			r.agent.sending("bench-"+r.runID+"-"+strconv.Itoa(u.n)+"-"+strconv.Itoa(n), t0)
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
		if len(r.questions) > 0 {
			u.asked = append(u.asked, t0)
			if r.opt.WaitAnswer && !u.ws.waitBots(ctx, len(u.asked), r.opt.AnswerWait) && ctx.Err() == nil {
				r.prog.note("user %d: no reply to question %d within %v", u.n, n, r.opt.AnswerWait)
			}
		}
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
	if len(u.asked) > 0 {
		if !u.ws.waitBots(ctx, len(u.asked), r.opt.AnswerWait) && ctx.Err() == nil {
			r.prog.note("user %d: %d of %d questions answered within %v", u.n, u.ws.bots(), len(u.asked), r.opt.AnswerWait)
		}
		for k, at := range u.ws.answerTimes() {
			if k < len(u.asked) {
				u.answers = append(u.answers, at.Sub(u.asked[k]))
			}
		}
	}
	u.ws.close()
}

// waitSlot waits until t and reports whether ctx is still live.
func (r *run) waitSlot(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
