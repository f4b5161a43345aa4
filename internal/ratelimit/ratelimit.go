// Package ratelimit provides token buckets keyed by a string (a client
// address, a contact, a conversation), held in memory on one node. Memory is
// bounded: buckets idle long enough to be full again are forgotten, and past
// a ceiling of keys new ones share one overflow bucket. Nothing runs in the
// background; the work is done inside Allow, with the clock it was given.
package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is Events per Per, with bursts of up to Burst. The zero Rate is off:
// everything is allowed.
type Rate struct {
	Events int
	Per    time.Duration
	Burst  int
}

// Off reports whether the rate limits nothing.
func (r Rate) Off() bool { return r.Events <= 0 || r.Per <= 0 }

// String writes r the way ParseRate reads it.
func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "min", time.Hour: "h"}[r.Per]
	if unit == "" {
		unit = r.Per.String()
	}
	s := strconv.Itoa(r.Events) + "/" + unit
	if r.Burst != r.Events {
		s += " burst " + strconv.Itoa(r.Burst)
	}
	return s
}

// interval is the time one token takes to come back.
func (r Rate) interval() time.Duration { return r.Per / time.Duration(r.Events) }

// ParseRate reads "N/UNIT" or "N/UNIT burst B" (UNIT: s, min or h), or
// "off". Without a burst, up to N events may come at once.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	spec, burst, hasBurst := strings.Cut(s, " burst ")
	n, unit, ok := strings.Cut(strings.TrimSpace(spec), "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want N/UNIT [burst B], e.g. \"10/min burst 5\", or off", s)
	}
	events, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || events < 1 {
		return Rate{}, fmt.Errorf("rate %q: %q is not a whole number of at least 1", s, n)
	}
	per := map[string]time.Duration{"s": time.Second, "sec": time.Second, "min": time.Minute, "m": time.Minute, "h": time.Hour, "hour": time.Hour}[strings.TrimSpace(unit)]
	if per == 0 {
		return Rate{}, fmt.Errorf("rate %q: the unit must be s, min or h, got %q", s, unit)
	}
	r := Rate{Events: events, Per: per, Burst: events}
	if hasBurst {
		b, err := strconv.Atoi(strings.TrimSpace(burst))
		if err != nil || b < 1 {
			return Rate{}, fmt.Errorf("rate %q: the burst must be a whole number of at least 1, got %q", s, burst)
		}
		r.Burst = b
	}
	return r, nil
}

// DefaultMaxKeys bounds the buckets one Limiter keeps (about 100 bytes
// each).
const DefaultMaxKeys = 100_000

// overflowKey is the bucket every new key shares while the limiter is full.
const overflowKey = "\x00overflow"

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// Limiter is a set of token buckets with one rate. It is safe for
// concurrent use.
type Limiter struct {
	rate    Rate
	now     func() time.Time
	maxKeys int
	// idle is how long an emptied bucket takes to be full again; after
	// that it is the same as no bucket and can be forgotten.
	idle time.Duration

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

// New returns a Limiter; now is the clock (time.Now in production) and
// maxKeys the most buckets kept (DefaultMaxKeys when ≤ 0).
func New(rate Rate, now func() time.Time, maxKeys int) *Limiter {
	if now == nil {
		now = time.Now
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if rate.Burst < 1 {
		rate.Burst = max(rate.Events, 1)
	}
	l := &Limiter{rate: rate, now: now, maxKeys: maxKeys, buckets: map[string]*bucket{}}
	if !rate.Off() {
		l.idle = rate.interval() * time.Duration(rate.Burst)
	}
	return l
}

// Rate is the limiter's rate.
func (l *Limiter) Rate() Rate { return l.rate }

// Allow takes a token from key's bucket. When there is none it reports
// false and how long until there is one.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l == nil || l.rate.Off() {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, now)
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) * float64(l.rate.interval())))
	return false, max(wait, time.Millisecond)
}

// Undo gives back a token Allow took, when a later check refused the
// request, so one refusal does not cost twice.
func (l *Limiter) Undo(key string) {
	if l == nil || l.rate.Off() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		b, ok = l.buckets[overflowKey]
	}
	if ok {
		b.tokens = min(b.tokens+1, float64(l.rate.Burst))
	}
}

// Len is the number of buckets held (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.rate.Burst), b.tokens+float64(d)/float64(l.rate.interval()))
		b.at = now
	}
}

// bucket finds or makes key's bucket, forgetting idle ones first when it is
// time to. Called with mu held.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if b, ok := l.buckets[key]; ok {
		return b
	}
	// Sweep once per idle period, or, when full, at most once a second, so
	// a flood of new keys costs one pass a second and not one per request.
	since := now.Sub(l.lastSweep)
	if since >= l.idle || (len(l.buckets) >= l.maxKeys && since >= time.Second) {
		l.sweep(now)
	}
	if len(l.buckets) >= l.maxKeys {
		key = overflowKey
		if b, ok := l.buckets[key]; ok {
			return b
		}
	}
	b := &bucket{tokens: float64(l.rate.Burst), at: now}
	l.buckets[key] = b
	return b
}

// sweep forgets the buckets that would be full by now.
func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if now.Sub(b.at) >= l.idle {
			delete(l.buckets, k)
		}
	}
}
