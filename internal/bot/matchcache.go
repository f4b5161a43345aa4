package bot

import (
	"container/list"
	"sync"

	"github.com/huiying/huiying/internal/matcher"
)

// matchCacheSize is how many recent questions each model remembers the
// ranking of.
const matchCacheSize = 4096

// matchCache remembers the matcher's ranking of recent questions, by their
// exact text: the same question asked again (a surge about one outage, a
// suggestion tapped, "hi") costs a map lookup instead of the sentence
// encoder. The ranking of a text never changes for one trained model, so a
// hit returns what Match would; each model has its own cache, and a
// retrained model starts empty. Safe for concurrent use.
type matchCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *cachedMatch, most recent first
	byQ   map[string]*list.Element
}

type cachedMatch struct {
	q     string
	k     int
	cands []matcher.Candidate
}

func newMatchCache(size int) *matchCache {
	return &matchCache{size: size, order: list.New(), byQ: map[string]*list.Element{}}
}

// get returns the first k candidates remembered for q, if q was matched
// with at least k asked for.
func (c *matchCache) get(q string, k int) ([]matcher.Candidate, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byQ[q]
	if !ok {
		return nil, false
	}
	m := e.Value.(*cachedMatch)
	if m.k < k {
		return nil, false
	}
	c.order.MoveToFront(e)
	return append([]matcher.Candidate(nil), m.cands[:min(k, len(m.cands))]...), true
}

// put remembers the candidates of q (k of them were asked for).
func (c *matchCache) put(q string, k int, cands []matcher.Candidate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byQ[q]; ok {
		e.Value = &cachedMatch{q: q, k: k, cands: append([]matcher.Candidate(nil), cands...)}
		c.order.MoveToFront(e)
		return
	}
	c.byQ[q] = c.order.PushFront(&cachedMatch{q: q, k: k, cands: append([]matcher.Candidate(nil), cands...)})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byQ, last.Value.(*cachedMatch).q)
	}
}
