// Package bot is Huiying's FAQ matcher: it learns, from example questions
// attached to help-centre articles, which article answers a new question,
// with a calibrated confidence so that the desk can answer automatically
// only when it is likely to be right.
package bot

import (
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// Article is one answer the matcher can pick, with the questions it answers.
type Article struct {
	ID       string
	Examples []string
}

// Candidate is one ranked article for a question.
type Candidate struct {
	ArticleID string
	// Score is the model's logit for the article.
	Score float64
	// Confidence is the calibrated probability that the article is right.
	Confidence float64
}

// Options tune training. The zero value of a field means its default.
type Options struct {
	Epochs int     // passes over the examples (default 12)
	Rate   float64 // AdaGrad learning rate (default 0.1)
	L2     float64 // L2 regularisation per update (default 1e-6)
	Seed   uint64  // shuffling seed (default 42)
	// Ensemble is the number of models trained with different shuffling
	// seeds whose probabilities are averaged (default defaultEnsemble).
	Ensemble int
	// Calibrate fits the softmax temperature on a held-out 10% of the
	// examples, then retrains on all of them (doubles training time).
	Calibrate bool

	// Progress, when set, receives a line per epoch.
	Progress io.Writer
}

func (o Options) withDefaults() Options {
	if o.Epochs == 0 {
		o.Epochs = 12
	}
	if o.Rate == 0 {
		o.Rate = 0.1
	}
	if o.L2 == 0 {
		o.L2 = 1e-6
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	if o.Ensemble == 0 {
		o.Ensemble = defaultEnsemble
	}
	return o
}

// Matcher is a trained multinomial logistic regression over hashed TF-IDF
// features. It is safe for concurrent use by Match.
type Matcher struct {
	ids     []string
	vec     *vectorizer
	members []*model
	temp    float64 // softmax temperature for confidences
}

// model is one member of the ensemble: a linear layer over the shared
// features.
type model struct {
	w []float32 // dim x classes, row-major by feature
	b []float32
}

// Train trains a matcher on articles with the default options and a
// calibrated temperature.
func Train(articles []Article) *Matcher {
	return TrainWith(articles, Options{Calibrate: true})
}

type example struct {
	x []feat
	y int
}

// TrainWith trains a matcher with opts.
func TrainWith(articles []Article, opts Options) *Matcher {
	opts = opts.withDefaults()
	var texts []string
	var labels []int
	for i, a := range articles {
		for _, e := range a.Examples {
			texts = append(texts, e)
			labels = append(labels, i)
		}
	}
	temp := 1.0
	if opts.Calibrate && len(texts) >= 20 {
		// Hold out every 10th example of each article (deterministically)
		// to fit the temperature.
		var tr, ho []Article
		for _, a := range articles {
			t := Article{ID: a.ID}
			h := Article{ID: a.ID}
			for j, e := range a.Examples {
				if len(a.Examples) >= 5 && j%10 == 9 {
					h.Examples = append(h.Examples, e)
				} else {
					t.Examples = append(t.Examples, e)
				}
			}
			tr, ho = append(tr, t), append(ho, h)
		}
		o := opts
		o.Calibrate = false
		o.Progress = nil
		m := TrainWith(tr, o)
		var logits [][]float64
		var ys []int
		for i, a := range ho {
			for _, e := range a.Examples {
				logits = append(logits, m.allLogits(m.vec.vector(e)))
				ys = append(ys, i)
			}
		}
		temp = fitTemperatureK(logits, ys, len(articles))
	}

	vec := newVectorizer(texts)
	k := len(articles)
	m := &Matcher{ids: make([]string, k), vec: vec, temp: temp}
	for i, a := range articles {
		m.ids[i] = a.ID
	}
	ex := make([]example, len(texts))
	for i, t := range texts {
		ex[i] = example{vec.vector(t), labels[i]}
	}
	cw := classWeights(labels, k)
	m.members = make([]*model, opts.Ensemble)
	var wg sync.WaitGroup
	for i := range m.members {
		md := &model{w: make([]float32, vec.dim()*k), b: make([]float32, k)}
		m.members[i] = md
		o := opts
		o.Seed = opts.Seed + uint64(i)
		if i > 0 {
			o.Progress = nil
		}
		wg.Go(func() { md.fit(ex, cw, o) })
	}
	wg.Wait()
	return m
}

// Tuning knobs, measured on a Banking77 split (see docs/bot.md).
var (
	defaultEnsemble = 1
	lrDecay         = 0.0   // rate for epoch e is Rate / (1 + lrDecay*e)
	classBalance    = false // weight each example by mean count / class count
)

func classWeights(labels []int, k int) []float32 {
	w := make([]float32, k)
	for i := range w {
		w[i] = 1
	}
	if !classBalance || len(labels) == 0 {
		return w
	}
	n := make([]int, k)
	for _, y := range labels {
		n[y]++
	}
	mean := float64(len(labels)) / float64(k)
	for c := range w {
		if n[c] > 0 {
			w[c] = float32(mean / float64(n[c]))
		}
	}
	return w
}

// fit runs AdaGrad SGD on the softmax cross-entropy.
func (m *model) fit(ex []example, cw []float32, opts Options) {
	k := len(m.b)
	if k == 0 || len(ex) == 0 {
		return
	}
	gw := make([]float32, len(m.w))
	gb := make([]float32, k)
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	p := make([]float64, k)
	l2 := float32(opts.L2)
	const eps = 1e-8
	for ep := 0; ep < opts.Epochs; ep++ {
		rate := float32(opts.Rate / (1 + lrDecay*float64(ep)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		for _, i := range order {
			e := ex[i]
			m.scores(e.x, p)
			softmax(p, 1)
			loss -= math.Log(math.Max(p[e.y], 1e-12))
			p[e.y] -= 1
			if s := float64(cw[e.y]); s != 1 {
				for c := range p {
					p[c] *= s
				}
			}
			for c := 0; c < k; c++ {
				g := float32(p[c])
				gb[c] += g * g
				m.b[c] -= rate * g / float32(math.Sqrt(float64(gb[c])+eps))
			}
			for _, f := range e.x {
				row := m.w[int(f.idx)*k : int(f.idx+1)*k]
				grow := gw[int(f.idx)*k : int(f.idx+1)*k]
				for c := range row {
					g := float32(p[c])*f.val + l2*row[c]
					if g == 0 {
						continue
					}
					grow[c] += g * g
					row[c] -= rate * g / float32(math.Sqrt(float64(grow[c])+eps))
				}
			}
		}
		if opts.Progress != nil {
			io.WriteString(opts.Progress, progressLine(ep+1, opts.Epochs, loss/float64(len(ex))))
		}
	}
}

func progressLine(ep, of int, loss float64) string {
	return "bot: epoch " + itoa(ep) + "/" + itoa(of) + " loss " + ftoa(loss) + "\n"
}

// scores writes the logits of x into out.
func (m *model) scores(x []feat, out []float64) {
	k := len(m.b)
	acc := make([]float32, k)
	copy(acc, m.b)
	for _, f := range x {
		row := m.w[int(f.idx)*k : int(f.idx+1)*k]
		v := f.val
		for c, w := range row {
			acc[c] += w * v
		}
	}
	for c := range acc {
		out[c] = float64(acc[c])
	}
}

// allLogits returns the logits of every member, one after another.
func (m *Matcher) allLogits(x []feat) []float64 {
	k := len(m.ids)
	out := make([]float64, k*len(m.members))
	for i, md := range m.members {
		md.scores(x, out[i*k:(i+1)*k])
	}
	return out
}

// combine turns the members' logits z (as from allLogits) into the
// ensemble's probabilities at temperature t, written to p: the mean of the
// members' softmax distributions.
func combine(z []float64, k int, t float64, p []float64) {
	clear(p)
	tmp := make([]float64, k)
	n := len(z) / k
	for i := 0; i < n; i++ {
		copy(tmp, z[i*k:(i+1)*k])
		softmax(tmp, t)
		for c, v := range tmp {
			p[c] += v / float64(n)
		}
	}
}

// softmax turns logits into probabilities in place at temperature t.
func softmax(z []float64, t float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	var s float64
	for i, v := range z {
		z[i] = math.Exp((v - mx) / t)
		s += z[i]
	}
	for i := range z {
		z[i] /= s
	}
}

// fitTemperature picks the temperature minimising the negative
// log-likelihood of ys under softmax(logits/T), by a grid then golden
// section search over log T.
func fitTemperature(logits [][]float64, ys []int) float64 {
	if len(ys) == 0 {
		return 1
	}
	return fitTemperatureK(logits, ys, len(logits[0]))
}

// fitTemperatureK is fitTemperature for ensembles: each row of logits holds
// the logits of several members over k classes, one after another, and the
// probabilities are their mean (see combine).
func fitTemperatureK(logits [][]float64, ys []int, k int) float64 {
	if len(ys) == 0 {
		return 1
	}
	nll := func(t float64) float64 {
		var s float64
		p := make([]float64, k)
		for i, z := range logits {
			combine(z, k, t, p)
			s -= math.Log(math.Max(p[ys[i]], 1e-12))
		}
		return s
	}
	lo, hi := math.Log(0.05), math.Log(20.0)
	const phi = 0.6180339887498949
	a, b := lo+(1-phi)*(hi-lo), lo+phi*(hi-lo)
	fa, fb := nll(math.Exp(a)), nll(math.Exp(b))
	for range 40 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = lo + (1-phi)*(hi-lo)
			fa = nll(math.Exp(a))
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = nll(math.Exp(b))
		}
	}
	return math.Exp((lo + hi) / 2)
}

// Temperature is the softmax temperature used for confidences.
func (m *Matcher) Temperature() float64 { return m.temp }

// Match returns the k best articles for q, best first (all when k <= 0).
// An article's Score is its logit averaged over the ensemble's members.
func (m *Matcher) Match(q string, k int) []Candidate {
	n := len(m.ids)
	if n == 0 || len(m.members) == 0 {
		return nil
	}
	all := m.allLogits(m.vec.vector(q))
	p := make([]float64, n)
	combine(all, n, m.temp, p)
	z := make([]float64, n)
	for i := 0; i < len(m.members); i++ {
		for c := range z {
			z[c] += all[i*n+c] / float64(len(m.members))
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	if k <= 0 || k > n {
		k = n
	}
	out := make([]Candidate, k)
	for i := range out {
		c := idx[i]
		out[i] = Candidate{ArticleID: m.ids[c], Score: z[c], Confidence: p[c]}
	}
	return out
}
