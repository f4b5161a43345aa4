package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		str  string
	}{
		{"10/min burst 5", Rate{10, time.Minute, 5}, "10/min burst 5"},
		{"10/min", Rate{10, time.Minute, 10}, "10/min"},
		{" 3/s ", Rate{3, time.Second, 3}, "3/s"},
		{"600/h burst 50", Rate{600, time.Hour, 50}, "600/h burst 50"},
		{"off", Rate{}, "off"},
		{"0", Rate{}, "off"},
	} {
		got, err := ParseRate(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseRate(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("ParseRate(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
	}
	for _, bad := range []string{"", "10", "ten/min", "10/day", "-1/min", "10/min burst", "10/min burst 0", "10/min burst x"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) succeeded, want an error", bad)
		}
	}
}

func TestBurstThenRefill(t *testing.T) {
	c := newClock()
	l := New(Rate{Events: 10, Per: time.Minute, Burst: 5}, c.now, 0)
	for i := range 5 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 6*time.Second {
		t.Fatalf("6th request: ok=%v retry after %v; want refused, 6s (one token per 6s)", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key was refused: buckets must be independent")
	}
	c.add(3 * time.Second)
	if ok, wait := l.Allow("a"); ok || wait != 3*time.Second {
		t.Fatalf("half a token later: ok=%v retry after %v; want refused, 3s", ok, wait)
	}
	c.add(3 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refused after the token came back")
	}
	l.Undo("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("Undo did not give the token back")
	}
}

func TestOffAllowsEverything(t *testing.T) {
	l := New(Rate{}, nil, 0)
	for range 1000 {
		if ok, _ := l.Allow("x"); !ok {
			t.Fatal("an off limiter refused")
		}
	}
	if l.Len() != 0 {
		t.Fatalf("an off limiter keeps %d buckets", l.Len())
	}
	var nilLimiter *Limiter
	if ok, _ := nilLimiter.Allow("x"); !ok {
		t.Fatal("a nil limiter refused")
	}
}

// A flood of distinct keys (one per spoofed or rotated address) must not
// grow memory without bound, and must not get a fresh burst per key once
// the ceiling is reached.
func TestMemoryIsBounded(t *testing.T) {
	c := newClock()
	l := New(Rate{Events: 1, Per: time.Minute, Burst: 1}, c.now, 1000)
	allowed := 0
	for i := range 50_000 {
		if ok, _ := l.Allow(fmt.Sprint("ip-", i)); ok {
			allowed++
		}
	}
	if n := l.Len(); n > 1001 {
		t.Fatalf("%d buckets held after 50,000 keys; want at most 1,001", n)
	}
	if allowed > 1001 {
		t.Fatalf("%d of 50,000 new keys allowed; past the ceiling they must share one bucket", allowed)
	}
	// Idle buckets are forgotten once they would be full again.
	c.add(2 * time.Minute)
	if ok, _ := l.Allow("fresh"); !ok {
		t.Fatal("a new key was refused after the others went idle")
	}
	if n := l.Len(); n != 1 {
		t.Fatalf("%d buckets held after every other one went idle; want 1", n)
	}
}

func TestConcurrentAllowTakesEachTokenOnce(t *testing.T) {
	l := New(Rate{Events: 1, Per: time.Hour, Burst: 20}, nil, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 200 {
		wg.Go(func() {
			if ok, _ := l.Allow("k"); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 20 {
		t.Fatalf("%d of 200 concurrent requests allowed; want exactly the burst, 20", allowed)
	}
}
