package bench

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// counters are the run-wide tallies, updated by all users.
type counters struct {
	ready  atomic.Int64 // users set up
	active atomic.Int64 // users still sending
	acked  atomic.Int64 // messages acknowledged
	errors atomic.Int64 // messages failed after their retry
	ws     atomic.Int64 // inbound messages received on contact WebSockets
}

// maxNotes bounds how many problem descriptions a run prints.
const maxNotes = 10

// progress prints a status line about once a second, and describes the
// first few problems, to an optional writer. All methods are no-ops when
// the writer is nil.
type progress struct {
	w     io.Writer
	users int
	ws    bool
	ctr   *counters

	mu    sync.Mutex // serializes writes to w and guards notes
	notes int

	start    atomic.Pointer[time.Time] // start of the sending phase
	stop     chan struct{}
	stopOnce sync.Once
	exited   chan struct{}
}

func newProgress(w io.Writer, users int, ws bool, ctr *counters) *progress {
	return &progress{
		w:      w,
		users:  users,
		ws:     ws,
		ctr:    ctr,
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
}

// run prints status lines until finish is called.
func (p *progress) run() {
	defer close(p.exited)
	if p.w == nil {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var (
		sending   bool
		lastAcked int64
		lastT     time.Time
	)
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			st := p.start.Load()
			if st == nil {
				p.printf("bench: setup: %d/%d users ready\n", p.ctr.ready.Load(), p.users)
				continue
			}
			if !sending {
				sending, lastT = true, *st
			}
			acked := p.ctr.acked.Load()
			rate := 0.0
			if d := now.Sub(lastT).Seconds(); d > 0 {
				rate = float64(acked-lastAcked) / d
			}
			lastAcked, lastT = acked, now
			if p.ws {
				p.printf("bench: %6.1fs  acked %d (%.0f/s)  errors %d  ws %d  sending %d/%d users\n",
					now.Sub(*st).Seconds(), acked, rate, p.ctr.errors.Load(), p.ctr.ws.Load(), p.ctr.active.Load(), p.users)
			} else {
				p.printf("bench: %6.1fs  acked %d (%.0f/s)  errors %d  sending %d/%d users\n",
					now.Sub(*st).Seconds(), acked, rate, p.ctr.errors.Load(), p.ctr.active.Load(), p.users)
			}
		}
	}
}

// sending marks the start of the sending phase.
func (p *progress) sending(start time.Time) {
	p.start.Store(&start)
}

// finish stops the status lines and waits until run has returned.
func (p *progress) finish() {
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.exited
}

// note describes a problem, unless maxNotes have been described already.
func (p *progress) note(format string, args ...any) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notes++
	switch {
	case p.notes <= maxNotes:
		fmt.Fprintf(p.w, "bench: "+format+"\n", args...)
	case p.notes == maxNotes+1:
		fmt.Fprintln(p.w, "bench: further problems not shown")
	}
}

func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}
