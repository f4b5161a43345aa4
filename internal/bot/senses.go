package bot

import (
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/huiying/huiying/internal/gloss"
	"github.com/huiying/huiying/internal/linalg"
)

// senses groups Chinese words by meaning for the pair model. Each word
// of the training pairs gets the sentence vector of its English
// definitions (gloss.Dictionary, the English encoder), and k-means
// gathers the vectors into senseClusters groups: "还款" (repayment) and
// "还钱" (pay back + money) fall together, "开通" (open) and "关闭"
// (close) apart. The pair model then learns from the groups that only one
// side has, which carries what it learns about one word to its synonyms.
type senses struct {
	dict      *gloss.Dictionary
	emb       Embedder
	centroids []float32 // k × dim, unit rows
	k, dim    int
	known     int // training words with definitions

	// Document frequencies of the training words (for IDF weights).
	df   map[string]int
	docs int

	mu       sync.Mutex
	words    map[string]sense     // training words, then words met since
	readings map[string][]float32 // training sentences' reading vectors
}

// sense is what the model knows of a word: its definitions' vector and
// group, or group -1 and no vector when the dictionary cannot say.
type sense struct {
	vec   []float32
	group int32
}

// senseClusters is the number of word groups (256, 512 and 1,024 were
// measured on AFQMC splits; see docs/bot.md), fewer for a small
// vocabulary: at least senseMinGroup words per group on average.
const (
	senseClusters = 512
	senseMinGroup = 8
)

// senseIterations is the number of k-means rounds.
const senseIterations = 8

// senseMemoLimit bounds the words remembered beyond the training
// vocabulary (questions bring new words); when full, the extra words are
// forgotten.
const senseMemoLimit = 30_000

// newSenses clusters the words of texts into at most k groups. It returns
// nil when there are too few words with definitions to form two.
func newSenses(dict *gloss.Dictionary, emb Embedder, texts []string, k int) *senses {
	df := map[string]int{}
	var words []string
	for _, t := range texts {
		ws := dict.Words(t)
		for i, w := range ws {
			if slices.Index(ws, w) != i {
				continue
			}
			if df[w] == 0 {
				words = append(words, w)
			}
			df[w]++
		}
	}
	slices.Sort(words)
	glosses := make([]string, len(words))
	for i, w := range words {
		glosses[i] = dict.Gloss(w)
	}
	emb = rawEncoder(emb)
	s := &senses{dict: dict, emb: emb, dim: emb.Dim(), df: df, docs: len(texts), words: make(map[string]sense, len(words))}
	vecs := encodeAll(everything{emb}, glosses)
	var known []int
	for i, v := range vecs {
		if v == nil || glosses[i] == "" {
			s.words[words[i]] = sense{group: -1}
			continue
		}
		known = append(known, i)
	}
	s.known = len(known)
	if s.k = min(k, len(known)/senseMinGroup); s.k < 2 {
		return nil
	}
	x := make([]float32, len(known)*s.dim)
	for r, i := range known {
		copy(x[r*s.dim:], vecs[i])
	}
	s.centroids = make([]float32, s.k*s.dim)
	for c := range s.k {
		// Spread the starting centres over the sorted vocabulary.
		copy(s.centroids[c*s.dim:(c+1)*s.dim], x[(c*7919)%len(known)*s.dim:])
	}
	var assign []int32
	for range senseIterations {
		assign = s.nearest(x, len(known))
		sums := make([]float64, s.k*s.dim)
		for r, c := range assign {
			row := x[r*s.dim : (r+1)*s.dim]
			sum := sums[int(c)*s.dim : (int(c)+1)*s.dim]
			for j, v := range row {
				sum[j] += float64(v)
			}
		}
		for c := range s.k {
			sum := sums[c*s.dim : (c+1)*s.dim]
			var n float64
			for _, v := range sum {
				n += v * v
			}
			if n == 0 {
				continue // an empty group keeps its centre
			}
			n = 1 / math.Sqrt(n)
			for j, v := range sum {
				s.centroids[c*s.dim+j] = float32(v * n)
			}
		}
	}
	assign = s.nearest(x, len(known))
	for r, i := range known {
		s.words[words[i]] = sense{vec: vecs[i], group: assign[r]}
	}
	if senseReading {
		s.readAll(texts)
	}
	return s
}

// rawEncoder returns the encoder inside an embedder, without the memo of
// training questions: definitions are not questions and would only crowd
// them out.
func rawEncoder(e Embedder) Embedder {
	switch e := e.(type) {
	case bilingual:
		return e.en.Embedder
	case *memo:
		return e.Embedder
	}
	return e
}

// nearest returns the closest centre (largest dot product) of each of the
// n rows of x, on all cores.
func (s *senses) nearest(x []float32, n int) []int32 {
	ct := make([]float32, s.dim*s.k) // dim × k
	for c := range s.k {
		for j := range s.dim {
			ct[j*s.k+c] = s.centroids[c*s.dim+j]
		}
	}
	out := make([]int32, n)
	const block = 256
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			scores := make([]float32, block*s.k)
			for start := range next {
				t := min(block, n-start)
				clear(scores[:t*s.k])
				linalg.MatMulAdd(scores, x[start*s.dim:(start+t)*s.dim], ct, t, s.dim, s.k)
				for r := range t {
					row := scores[r*s.k : (r+1)*s.k]
					best := 0
					for k, v := range row {
						if v > row[best] {
							best = k
						}
					}
					out[start+r] = int32(best)
				}
			}
		})
	}
	for start := 0; start < n; start += block {
		next <- start
	}
	close(next)
	wg.Wait()
	return out
}

// of returns what the model knows of a word. A word outside the training
// vocabulary is encoded and placed on first sight.
func (s *senses) of(word string) sense {
	s.mu.Lock()
	ws, ok := s.words[word]
	s.mu.Unlock()
	if ok {
		return ws
	}
	ws.group = -1
	if g := s.dict.Gloss(word); g != "" {
		ws.vec = s.emb.Encode(g)
		ws.group = s.nearest(ws.vec, 1)[0]
	}
	s.mu.Lock()
	if len(s.words) >= senseMemoLimit {
		// Forget everything; the training vocabulary is small next to
		// the limit and re-enters as it is used.
		clear(s.words)
	}
	s.words[word] = ws
	s.mu.Unlock()
	return ws
}

// features names the word groups of the words only one side of a pair
// has: "so:K" for a group the other side's unshared words lack (a change
// of meaning), "sb:K" for one both sides' unshared words share (a
// synonym swapped in).
func (s *senses) features(a, b string) []string {
	wa, wb := s.dict.Words(a), s.dict.Words(b)
	ua, ub := unsharedWords(wa, wb), unsharedWords(wb, wa)
	ga, gb := s.groups(ua), s.groups(ub)
	var out []string
	for k := range ga {
		if gb[k] {
			out = append(out, "sb:"+itoa(int(k)))
		} else {
			out = append(out, "so:"+itoa(int(k)))
		}
	}
	for k := range gb {
		if !ga[k] {
			out = append(out, "so:"+itoa(int(k)))
		}
	}
	if senseWords {
		for _, w := range ua {
			out = append(out, "dw:"+w)
		}
		for _, w := range ub {
			out = append(out, "dw:"+w)
		}
	}
	if senseCross && len(ga)*len(gb) <= 16 {
		for x := range ga {
			for y := range gb {
				if x != y {
					out = append(out, "sx:"+itoa(int(min(x, y)))+"|"+itoa(int(max(x, y))))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// groups returns the groups of words that have one.
func (s *senses) groups(words []string) map[int32]bool {
	out := map[int32]bool{}
	for _, w := range words {
		if k := s.of(w).group; k >= 0 {
			out[k] = true
		}
	}
	return out
}

// dense returns the pair's soft-overlap features: how well each side's
// words are matched by the most similar word of the other side (mean
// weighted by IDF, and the worst), the same over the words only one side
// has, and the cosines of the two sides' IDF-weighted mean vectors, of
// all words and of the unshared ones. Symmetric in a and b.
func (s *senses) dense(a, b string) []float64 {
	wa, wb := s.dict.Words(a), s.dict.Words(b)
	ua, ub := unsharedWords(wa, wb), unsharedWords(wb, wa)
	m1, n1 := s.cover(wa, wb)
	m2, n2 := s.cover(wb, wa)
	u1, v1 := s.cover(ua, ub)
	u2, v2 := s.cover(ub, ua)
	out := []float64{min(m1, m2), max(m1, m2), min(n1, n2), min(u1, u2), max(u1, u2), min(v1, v2),
		cosine64(s.bag(wa), s.bag(wb)), cosine64(s.bag(ua), s.bag(ub))}
	if senseReading {
		ra, rb := s.reading(a), s.reading(b)
		var d float64
		for j := range ra {
			d += float64(ra[j] * rb[j])
		}
		out = append(out, d)
	}
	return out
}

// reading returns the encoder's vector of text's dictionary reading,
// remembered for the training sentences.
func (s *senses) reading(text string) []float32 {
	s.mu.Lock()
	v, ok := s.readings[text]
	s.mu.Unlock()
	if ok {
		return v
	}
	return s.emb.Encode(s.dict.Read(text))
}

// readAll remembers the reading vectors of texts, on all cores.
func (s *senses) readAll(texts []string) {
	uniq := map[string]bool{}
	var list, reads []string
	for _, t := range texts {
		if !uniq[t] {
			uniq[t] = true
			list = append(list, t)
			reads = append(reads, s.dict.Read(t))
		}
	}
	vecs := encodeAll(everything{s.emb}, reads)
	s.readings = make(map[string][]float32, len(list))
	for i, t := range list {
		s.readings[t] = vecs[i]
	}
}

// senseReading adds the cosine of the two sides' dictionary readings
// through the encoder (bilingual's vectors) to the dense features:
// measured within noise on AFQMC splits at three times the training
// time, so off.
var senseReading = false

func unsharedWords(a, b []string) []string {
	var out []string
	for _, w := range a {
		if !slices.Contains(b, w) {
			out = append(out, w)
		}
	}
	return out
}

func (s *senses) idf(w string) float64 {
	return math.Log(float64(s.docs+1) / float64(s.df[w]+1))
}

// sim is the cosine of two words' vectors: 1 for the same word, 0 when
// either has none.
func (s *senses) sim(a, b string) float64 {
	if a == b {
		return 1
	}
	u, v := s.of(a).vec, s.of(b).vec
	if u == nil || v == nil {
		return 0
	}
	var d float64
	for j := range u {
		d += float64(u[j] * v[j])
	}
	return d
}

// cover returns the IDF-weighted mean over a's words of the best
// similarity to a word of b, and the lowest best similarity (1 and 1 when
// a is empty: nothing is left unmatched).
func (s *senses) cover(a, b []string) (mean, worst float64) {
	if len(a) == 0 {
		return 1, 1
	}
	worst = 1
	var total float64
	for _, x := range a {
		best := 0.0
		for _, y := range b {
			best = max(best, s.sim(x, y))
		}
		w := s.idf(x)
		mean += w * best
		total += w
		worst = min(worst, best)
	}
	if total > 0 {
		mean /= total
	}
	return mean, worst
}

// bag is the IDF-weighted sum of the words' vectors.
func (s *senses) bag(words []string) []float64 {
	out := make([]float64, s.dim)
	for _, w := range words {
		v := s.of(w).vec
		if v == nil {
			continue
		}
		iw := s.idf(w)
		for j, x := range v {
			out[j] += iw * float64(x)
		}
	}
	return out
}

func cosine64(u, v []float64) float64 {
	var d, a, b float64
	for j := range u {
		d += u[j] * v[j]
		a += u[j] * u[j]
		b += v[j] * v[j]
	}
	if a == 0 || b == 0 {
		return 0
	}
	return d / math.Sqrt(a*b)
}

// senseCross adds a feature per pair of groups swapped between the sides
// ("sx:3|17") when there are at most 16 such pairs: the model learns
// which swaps of meaning matter (+0.003 AUC on AFQMC splits).
var senseCross = true

// senseWords adds the unshared words themselves ("dw:还钱"); measured
// within noise on AFQMC splits (+0.001 AUC), so off.
var senseWords = false

// everything makes an embedder read every text (definitions are English
// whatever Reads would say of a bare number).
type everything struct{ Embedder }

func (everything) Reads(string) bool { return true }
