package matcher

import (
	"fmt"
	"github.com/huiying/huiying/internal/lex"
	"runtime"
	"sync"

	"github.com/huiying/huiying/internal/encoder"
)

// Embedder turns a question into a dense vector (a pretrained sentence
// encoder). The matcher appends it to the hashed TF-IDF features of every
// question the embedder can read, so the three scorers learn from both.
type Embedder interface {
	// Encode returns the question's vector, Dim() long.
	Encode(text string) []float32
	Dim() int
	// Reads reports whether the encoder understands text (an English
	// encoder does not read Chinese); other questions get no dense part.
	Reads(text string) bool
}

// defaultEmbedWeight is the norm the sentence vector gets next to the
// word and character groups (each of norm 1); norms 1 to 4 were measured
// on Banking77 splits (see docs/bot.md).
const defaultEmbedWeight = 3.0

// dim is the number of feature columns: the hashed buckets, then the
// sentence vector's.
func (m *Matcher) dim() int {
	d := m.vec.dim()
	if m.emb != nil {
		d += m.emb.Dim()
	}
	return d
}

// features returns q's feature vector.
func (m *Matcher) features(q string) []feat {
	return m.withDense(m.vec.vector(q), q, nil)
}

// zhReadingShare scales the sentence vector of a Chinese question (the
// encoder's view of its dictionary reading, rougher than of English): at
// half weight the AFQMC FAQ sets gain 0 and +1.9 points of accuracy and
// +1.4 and +2.6 of top-3 (seeds 42 and 7), the demo set's held-out Chinese
// paraphrases 29 → 30 of 42 first (35 → 37 in the top three); at a
// quarter, top-1 falls back.
const zhReadingShare = 0.5

// withDense appends q's sentence vector (or e when given) to x.
func (m *Matcher) withDense(x []feat, q string, e []float32) []feat {
	if m.emb == nil || !m.emb.Reads(q) {
		return x
	}
	if e == nil {
		e = m.emb.Encode(q)
	}
	off := int32(m.vec.dim())
	wt := m.embWeight
	if lex.HasHan(q) {
		wt *= zhReadingShare
	}
	for j, v := range e {
		if v != 0 {
			x = append(x, feat{off + int32(j), wt * v})
		}
	}
	return x
}

// memo wraps an embedder with a bounded map of training questions'
// vectors, so retraining after a knowledge-base change encodes only the
// new questions. Match does not go through it: questions from visitors
// are rarely asked twice word for word.
type memo struct {
	Embedder
	mu   sync.Mutex
	vecs map[string][]float32
}

// memoLimit bounds the remembered vectors (2 KB each): when full, the map
// starts again.
const memoLimit = 50_000

func (m *memo) encodeMemo(text string) []float32 {
	m.mu.Lock()
	v, ok := m.vecs[text]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = m.Encode(text)
	m.mu.Lock()
	if len(m.vecs) >= memoLimit {
		clear(m.vecs)
	}
	m.vecs[text] = v
	m.mu.Unlock()
	return v
}

// encodeAll embeds texts on all cores; entries the embedder cannot read
// stay nil.
func encodeAll(emb Embedder, texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	if emb == nil {
		return out
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				switch mem, ok := emb.(interface{ encodeMemo(string) []float32 }); {
				case !emb.Reads(texts[i]):
				case ok:
					out[i] = mem.encodeMemo(texts[i])
				default:
					out[i] = emb.Encode(texts[i])
				}
			}
		})
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// questionTokens is how many leading tokens of a question the sentence
// encoder reads: all of nearly every question (Banking77's 99th
// percentile is 53), while it bounds the encoder's time on long messages,
// which grows with their length (see docs/bot.md for the measured
// trade-off).
const questionTokens = 48

var sharedEncoder = sync.OnceValues(func() (*memo, error) {
	e, err := encoder.Load()
	if err != nil {
		return nil, err
	}
	e.MaxTokens = questionTokens
	return &memo{Embedder: e, vecs: map[string][]float32{}}, nil
})

// sharedEmbedder is the process's one bilingual embedder.
var sharedEmbedder = sync.OnceValues(func() (Embedder, error) {
	en, err := sharedEncoder()
	if err != nil {
		return nil, fmt.Errorf("sentence encoder: %w", err)
	}
	return bilingual{en: en, dict: lex.Dictionary()}, nil
})

// DefaultEmbedder returns the embedder the live bot uses, built once per
// process on first use: the Universal Sentence Encoder lite reading English
// questions as they are and Chinese ones through the dictionary
// (bilingual). It remembers the training questions' vectors between
// trainings.
func DefaultEmbedder() (Embedder, error) { return sharedEmbedder() }
