package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type conv struct{ id, contact string }

type fixture struct {
	db    *store.DB
	convs *conversation.Store
	list  []conv
}

// newFixture prepares the store as the app does and starts n conversations,
// each with its own contact.
func newFixture(t *testing.T, db *store.DB, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	cs := conversation.NewStore(db, time.Now)
	if err := cs.Prepare(ctx); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	in, err := cs.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, convs: cs}
	for range n {
		c, ct, err := cs.Start(ctx, in, conversation.NewContact{})
		if err != nil {
			t.Fatal(err)
		}
		f.list = append(f.list, conv{c.ID, ct.ID})
	}
	return f
}

// service starts an intake service that is closed when the test ends.
func (f *fixture) service(t *testing.T, opt intake.Options) *intake.Service {
	t.Helper()
	svc := intake.New(f.convs, nil, testLogger(t), opt)
	t.Cleanup(svc.Close)
	return svc
}

// writers is what the app runs with on each engine.
func writers(db *store.DB) int {
	if db.Dialect == store.Postgres {
		return 4
	}
	return 1
}

func testLogger(t *testing.T) *slog.Logger {
	t.Helper()
	return slog.New(slog.NewTextHandler(&tWriter{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t *testing.T }

func (w *tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (f *fixture) storedSeqs(t *testing.T, convID string) []int64 {
	t.Helper()
	rows, err := f.db.Query(context.Background(), "SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq", convID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func oneToN(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// TestConcurrentSubmitGivesGaplessUniqueSequences runs with one writer and
// with four (write transactions still run one at a time).
func TestConcurrentSubmitGivesGaplessUniqueSequences(t *testing.T) {
	for _, w := range []int{1, 4} {
		t.Run(fmt.Sprintf("writers=%d", w), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				testConcurrentSubmit(t, db, w)
			})
		})
	}
}

func testConcurrentSubmit(t *testing.T, db *store.DB, nWriters int) {
	t.Helper()
	const (
		nConvs     = 10
		goroutines = 50
		perG       = 40
	)
	f := newFixture(t, db, nConvs)
	svc := f.service(t, intake.Options{Writers: nWriters})
	ctx := context.Background()

	type key struct{ conv, cmid string }
	type sent struct {
		k   key
		ack intake.Ack
		err error
	}
	// Every fifth message of every goroutine uses a client id shared by
	// all goroutines, so 50 senders race to store the same message;
	// the others are unique.
	msg := func(g, i int) (conv, string) {
		if i%5 == 0 {
			return f.list[i%nConvs], fmt.Sprintf("shared-%d", i)
		}
		return f.list[(g+i)%nConvs], fmt.Sprintf("g%d-m%d", g, i)
	}
	results := make([][]sent, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				c, cmid := msg(g, i)
				ack, err := svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: c.id,
					ContactID: c.contact, ClientMessageID: cmid, Body: "body of " + cmid})
				results[g] = append(results[g], sent{key{c.id, cmid}, ack, err})
			}
		}()
	}
	wg.Wait()

	byKey := map[key][]intake.Ack{}
	for _, rs := range results {
		for _, r := range rs {
			if r.err != nil {
				t.Fatalf("submit %v: %v", r.k, r.err)
			}
			if r.ack.Message.ConversationID != r.k.conv || r.ack.Message.ClientMessageID != r.k.cmid ||
				r.ack.Message.Body != "body of "+r.k.cmid {
				t.Fatalf("ack for %v describes another message: %+v", r.k, r.ack.Message)
			}
			byKey[r.k] = append(byKey[r.k], r.ack)
		}
	}
	wantUnique := 8 + goroutines*(perG-8)
	if len(byKey) != wantUnique {
		t.Fatalf("%d distinct messages sent, want %d", len(byKey), wantUnique)
	}
	type slot struct {
		conv string
		seq  int64
	}
	owner := map[slot]key{}
	perConv := map[string][]int64{}
	for k, acks := range byKey {
		fresh := 0
		for _, a := range acks {
			if !a.Duplicate {
				fresh++
			}
			if a.Message.ID != acks[0].Message.ID || a.Message.Seq != acks[0].Message.Seq {
				t.Fatalf("%v acknowledged as both %s/%d and %s/%d", k, acks[0].Message.ID, acks[0].Message.Seq,
					a.Message.ID, a.Message.Seq)
			}
		}
		if fresh != 1 {
			t.Fatalf("%v was sent %d times and stored as new %d times, want exactly once", k, len(acks), fresh)
		}
		s := slot{k.conv, acks[0].Message.Seq}
		if other, dup := owner[s]; dup {
			t.Fatalf("%v and %v both got seq %d in %s", k, other, s.seq, s.conv)
		}
		owner[s] = k
		perConv[k.conv] = append(perConv[k.conv], s.seq)
	}
	for _, c := range f.list {
		seqs := perConv[c.id]
		slices.Sort(seqs)
		if !slices.Equal(seqs, oneToN(len(seqs))) {
			t.Fatalf("acked seqs of %s are not 1..%d: %v", c.id, len(seqs), seqs)
		}
		if stored := f.storedSeqs(t, c.id); !slices.Equal(stored, seqs) {
			t.Fatalf("stored seqs of %s = %v, acked %v", c.id, stored, seqs)
		}
		got, err := f.convs.Conversation(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if got.LastSeq != int64(len(seqs)) {
			t.Fatalf("last_seq of %s = %d, want %d", c.id, got.LastSeq, len(seqs))
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != wantUnique {
		t.Fatalf("%d messages stored, want %d", n, wantUnique)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM events WHERE type = ?", bus.MessageCreated); n != wantUnique {
		t.Fatalf("%d message.created events, want %d", n, wantUnique)
	}

	// A later retry still gets the original acknowledgement.
	for _, g := range []int{0, 17, 49} {
		for _, i := range []int{0, 1, 39} {
			c, cmid := msg(g, i)
			want := byKey[key{c.id, cmid}][0]
			ack, err := svc.Submit(ctx, intake.Inbound{ConversationID: c.id, ContactID: c.contact,
				ClientMessageID: cmid, Body: "retry"})
			if err != nil || !ack.Duplicate || ack.Message.ID != want.Message.ID || ack.Message.Seq != want.Message.Seq {
				t.Fatalf("retry of %s: %+v, %v; want duplicate of %+v", cmid, ack, err, want.Message)
			}
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != wantUnique {
		t.Fatalf("retries wrote messages: %d stored, want %d", n, wantUnique)
	}
}

// gatedCommits sets db's after-commit hook to block the (single) writer
// after its first commit until release is called, and reports how many
// commits happened. blocked is closed once the writer is held.
func gatedCommits(t *testing.T, db *store.DB) (opt intake.Options, blocked <-chan struct{}, release func(), commits *atomic.Int32) {
	t.Helper()
	gate, held := make(chan struct{}), make(chan struct{})
	commits = new(atomic.Int32)
	db.AfterCommit(func() {
		if commits.Add(1) == 1 {
			close(held)
			<-gate
		}
	})
	t.Cleanup(func() { db.AfterCommit(nil) })
	var once sync.Once
	return intake.Options{Writers: 1}, held, func() { once.Do(func() { close(gate) }) }, commits
}

// waitForGoroutines waits until n goroutines are parked in the given state
// ("chan receive", …; "" for any) with every one of fns on their stack.
// Submit parks in "chan receive" only once its request is queued, so this
// tells, without guessing with sleeps, that requests are in the queue and in
// which order.
func waitForGoroutines(t *testing.T, n int, state string, fns ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	buf := make([]byte, 4<<20)
	for {
		got := 0
	goroutines:
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			header, _, _ := strings.Cut(g, "\n")
			if !strings.HasPrefix(header, "goroutine ") || !strings.Contains(header, "["+state) {
				continue
			}
			for _, fn := range fns {
				if !strings.Contains(g, fn) {
					continue goroutines
				}
			}
			got++
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines in %v [%s], want %d", got, fns, state, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// plug submits one message in the background; with gatedCommits the writer
// then holds after committing it, and the returned channel yields its
// result once the writer is released.
func plug(svc *intake.Service, in intake.Inbound) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := svc.Submit(context.Background(), in)
		done <- err
	}()
	return done
}

const submitFn = "intake.(*Service).Submit("

func TestFailingRequestDoesNotSpoilItsBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 3)
		a, b, c := f.list[0], f.list[1], f.list[2]
		opt, blocked, release, commits := gatedCommits(t, db)
		svc := f.service(t, opt)
		t.Cleanup(release)
		ctx := context.Background()
		first := plug(svc, intake.Inbound{ConversationID: c.id, ContactID: c.contact, ClientMessageID: "old", Body: "old"})
		<-blocked // the writer is now held after its first commit

		type outcome struct {
			ack intake.Ack
			err error
		}
		reqs := []struct {
			name string
			in   intake.Inbound
			code string // expected error code, "" for success
			dup  bool
			seq  int64
		}{
			{"a first", intake.Inbound{ConversationID: a.id, ContactID: a.contact, ClientMessageID: "a1", Body: "a1"}, "", false, 1},
			{"b first", intake.Inbound{ConversationID: b.id, ContactID: b.contact, ClientMessageID: "b1", Body: "b1"}, "", false, 1},
			{"unknown conversation", intake.Inbound{ConversationID: "cv_missing", ContactID: a.contact, ClientMessageID: "x", Body: "x"}, apperr.NotFound, false, 0},
			{"a second", intake.Inbound{ConversationID: a.id, ContactID: a.contact, ClientMessageID: "a2", Body: "a2"}, "", false, 2},
			{"someone else's conversation", intake.Inbound{ConversationID: b.id, ContactID: a.contact, ClientMessageID: "b9", Body: "b9"}, apperr.NotFound, false, 0},
			{"a second again, same batch", intake.Inbound{ConversationID: a.id, ContactID: a.contact, ClientMessageID: "a2", Body: "a2 retry"}, "", true, 2},
			{"retry of an old message", intake.Inbound{ConversationID: c.id, ContactID: c.contact, ClientMessageID: "old", Body: "old"}, "", true, 1},
			{"b second", intake.Inbound{ConversationID: b.id, ContactID: b.contact, ClientMessageID: "b2", Body: "b2"}, "", false, 2},
		}
		out := make([]outcome, len(reqs))
		var wg sync.WaitGroup
		for i, r := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ack, err := svc.Submit(ctx, r.in)
				out[i] = outcome{ack, err}
			}()
			// Queue them one at a time so the batch has this exact order
			// (the first message's sender is parked there too).
			waitForGoroutines(t, i+2, "chan receive", submitFn)
		}
		release()
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatalf("first message: %v", err)
		}

		for i, r := range reqs {
			o := out[i]
			if r.code != "" {
				if apperr.CodeOf(o.err) != r.code {
					t.Errorf("%s: err %v, want %s", r.name, o.err, r.code)
				}
				continue
			}
			if o.err != nil {
				t.Errorf("%s: %v", r.name, o.err)
				continue
			}
			if o.ack.Duplicate != r.dup || o.ack.Message.Seq != r.seq || o.ack.Message.ConversationID != r.in.ConversationID {
				t.Errorf("%s: ack %+v (duplicate %v), want seq %d duplicate %v", r.name, o.ack.Message, o.ack.Duplicate, r.seq, r.dup)
			}
		}
		if n := commits.Load(); n != 2 {
			t.Errorf("%d commits, want 2 (the first message, then the whole batch at once)", n)
		}
		for _, cv := range []conv{a, b, c} {
			want := map[string]int{a.id: 2, b.id: 2, c.id: 1}[cv.id]
			if got := f.storedSeqs(t, cv.id); !slices.Equal(got, oneToN(want)) {
				t.Errorf("stored seqs of %s = %v, want 1..%d", cv.id, got, want)
			}
		}
		if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != 5 {
			t.Errorf("%d messages stored, want 5", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM events WHERE type = ?", bus.MessageCreated); n != 5 {
			t.Errorf("%d message.created events, want 5", n)
		}
	})
}

func TestCloseDrainsQueueThenRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 2)
		opt, blocked, release, _ := gatedCommits(t, db)
		svc := intake.New(f.convs, nil, testLogger(t), opt)
		t.Cleanup(func() { release(); svc.Close() })
		ctx := context.Background()
		c := f.list[0]
		first := plug(svc, intake.Inbound{ConversationID: c.id, ContactID: c.contact, Body: "first"})
		<-blocked

		const queued = 20
		acks := make([]intake.Ack, queued)
		errs := make([]error, queued)
		var wg sync.WaitGroup
		for i := range queued {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cv := f.list[i%2]
				acks[i], errs[i] = svc.Submit(ctx, intake.Inbound{ConversationID: cv.id, ContactID: cv.contact,
					ClientMessageID: fmt.Sprintf("q%d", i), Body: fmt.Sprintf("queued %d", i)})
			}()
		}
		waitForGoroutines(t, queued+1, "chan receive", submitFn)

		closed := make(chan struct{})
		go func() { svc.Close(); close(closed) }()
		// Close has stopped intake once it waits for the writers.
		waitForGoroutines(t, 1, "", "intake.(*Service).Close(", "sync.(*WaitGroup).Wait(")
		_, err := svc.Submit(ctx, intake.Inbound{ConversationID: c.id, ContactID: c.contact, Body: "too late"})
		if !intake.IsClosed(err) || apperr.CodeOf(err) != apperr.Unavailable {
			t.Fatalf("submit while closing: %v, want the shutting-down error", err)
		}
		select {
		case <-closed:
			t.Fatal("Close returned while messages were still queued")
		default:
		}

		release()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("Close did not return after the writer was released")
		}
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatalf("first message: %v", err)
		}
		for i := range queued {
			if errs[i] != nil || acks[i].Message.Seq == 0 || acks[i].Duplicate {
				t.Fatalf("queued message %d: %+v, %v; want it stored", i, acks[i], errs[i])
			}
		}
		if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != queued+1 {
			t.Fatalf("%d messages stored, want %d", n, queued+1)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM messages WHERE body = ?", "too late"); n != 0 {
			t.Fatal("a message submitted after Close was stored")
		}
		_, err = svc.Submit(ctx, intake.Inbound{ConversationID: c.id, ContactID: c.contact, Body: "after close"})
		if !intake.IsClosed(err) {
			t.Fatalf("submit after Close: %v, want the shutting-down error", err)
		}
		svc.Close() // a second Close is harmless
	})
}

func TestSubmitNormalizesAndValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 1)
		svc := f.service(t, intake.Options{Writers: writers(db)})
		c := f.list[0]
		ctx := context.Background()
		for _, tc := range []struct {
			name, body, want, code string
		}{
			{"CRLF", "line one\r\nline two\rline three", "line one\nline two\nline three", ""},
			{"NUL bytes", "a\x00b", "ab", ""},
			{"trailing space", "hello  \n", "hello", ""},
			{"empty", "", "", apperr.Invalid},
			{"only NULs", "\x00\x00", "", apperr.Invalid},
			{"too long", strings.Repeat("x", conversation.MaxBodyRunes+1), "", apperr.TooLarge},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.count(t, "SELECT COUNT(*) FROM messages")
				ack, err := svc.Submit(ctx, intake.Inbound{ConversationID: c.id, ContactID: c.contact, Body: tc.body})
				if tc.code != "" {
					if apperr.CodeOf(err) != tc.code {
						t.Fatalf("err %v, want %s", err, tc.code)
					}
					if after := f.count(t, "SELECT COUNT(*) FROM messages"); after != before {
						t.Fatalf("a refused message was stored (%d → %d)", before, after)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if ack.Message.Body != tc.want {
					t.Fatalf("stored body %q, want %q", ack.Message.Body, tc.want)
				}
				msgs, err := f.convs.Messages(ctx, c.id, ack.Message.Seq-1, 1, true)
				if err != nil || len(msgs) != 1 || msgs[0].Body != tc.want {
					t.Fatalf("read back %+v, %v; want body %q", msgs, err, tc.want)
				}
			})
		}
	})
}
