package bot

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// waiting is intake's pressure as the test sets it.
type waiting struct{ n, asked atomic.Int64 }

func (w *waiting) Waiting() int { w.asked.Add(1); return int(w.n.Load()) }

// TestYieldWaitsForIntake: with more messages being taken in than
// YieldAbove the bot waits, at most maxYield at a time, and goes on as soon
// as intake has room; with room it does not wait at all.
func TestYieldWaitsForIntake(t *testing.T) {
	p := &waiting{}
	s := &Service{opts: Options{Pressure: p, YieldAbove: 4}}
	ctx := context.Background()

	p.n.Store(4)
	start := time.Now()
	if s.yield(ctx) {
		t.Error("yield with room reported a saturated intake")
	}
	if took := time.Since(start); took >= maxYield {
		t.Errorf("yield with room took %v", took)
	}

	p.n.Store(50)
	start = time.Now()
	if !s.yield(ctx) {
		t.Error("yield under a saturated intake did not report it")
	}
	if took := time.Since(start); took < maxYield {
		t.Errorf("yield under a saturated intake returned after %v, want at least %v", took, maxYield)
	}

	asked := p.asked.Load()
	go func() {
		for p.asked.Load() < asked+3 {
			time.Sleep(time.Millisecond)
		}
		p.n.Store(0) // the surge ends
	}()
	done := make(chan struct{})
	go func() { s.yield(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("yield did not return once intake had room")
	}

	p.n.Store(50)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	start = time.Now()
	s.yield(cctx)
	if took := time.Since(start); took >= maxYield {
		t.Errorf("yield with a cancelled context took %v", took)
	}
}
