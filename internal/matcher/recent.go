package matcher

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
)

// recentMatchers remembers the matchers Train built last, by a digest of
// their articles. Training is deterministic (the same articles give a
// bit-identical model) and a Matcher is read-only once trained, so a
// retraining after a knowledge-base change that left every title and
// example question as it was (an edited answer body, a new draft) hands
// back the model already built instead of spending seconds to minutes
// on it again. Like the shared encoder it is per process.
type recentMatchers struct {
	mu     sync.Mutex
	keys   [recentLimit][32]byte
	models [recentLimit]*Matcher
	next   int
}

// recentLimit is how many trained matchers are remembered.
const recentLimit = 2

var recent = &recentMatchers{}

func (r *recentMatchers) get(key [32]byte) *Matcher {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, k := range r.keys {
		if k == key && r.models[i] != nil {
			return r.models[i]
		}
	}
	return nil
}

func (r *recentMatchers) put(key [32]byte, m *Matcher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[r.next], r.models[r.next] = key, m
	r.next = (r.next + 1) % recentLimit
}

// digest identifies a training: every article's ID and examples, in order,
// each string length-prefixed, and the options (defaults filled in) that
// change the model. The encoder is the process's one DefaultEmbedder or
// none, so its presence and dimension name it.
func digest(articles []Article, opts Options) [32]byte {
	h := sha256.New()
	dim := 0
	if opts.Embedder != nil {
		dim = opts.Embedder.Dim()
	}
	fmt.Fprintf(h, "%d %g %g %d %d %g %t %d %g\n", opts.Epochs, opts.Rate, opts.L2, opts.Seed,
		opts.Ensemble, opts.SVMCost, opts.Uncalibrated, dim, opts.EmbedWeight)
	var n [8]byte
	write := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, a := range articles {
		write(a.ID)
		binary.LittleEndian.PutUint64(n[:], uint64(len(a.Examples)))
		h.Write(n[:])
		for _, e := range a.Examples {
			write(e)
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}
