package bot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Pair is two questions and whether they mean the same (AFQMC style).
type Pair struct {
	A, B string
	Same bool
}

// ReadPairs reads JSON lines {"sentence1","sentence2","label":"0"|"1"}.
func ReadPairs(path string) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePairs(f)
}

// ParsePairs parses JSON lines {"sentence1","sentence2","label"}; the label
// may be a string or a number.
func ParsePairs(r io.Reader) ([]Pair, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []Pair
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rec struct {
			S1    string          `json:"sentence1"`
			S2    string          `json:"sentence2"`
			Label json.RawMessage `json:"label"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("bot: pairs line %d: %w", line, err)
		}
		var same bool
		switch string(rec.Label) {
		case `"1"`, `1`:
			same = true
		case `"0"`, `0`:
		default:
			return nil, fmt.Errorf("bot: pairs line %d: label %s", line, rec.Label)
		}
		out = append(out, Pair{rec.S1, rec.S2, same})
	}
	return out, sc.Err()
}

// SplitPairs puts a fraction frac of the pairs of each label, chosen with a
// fixed seed, into test and the rest into train, keeping the input order.
func SplitPairs(data []Pair, frac float64, seed uint64) (train, test []Pair) {
	l := make([]Labeled, len(data))
	for i, p := range data {
		l[i] = Labeled{Text: itoa(i), Label: map[bool]string{true: "1", false: "0"}[p.Same]}
	}
	tr, te := StratifiedSplit(l, frac, seed)
	pick := func(ls []Labeled) []Pair {
		out := make([]Pair, len(ls))
		for i, x := range ls {
			var j int
			fmt.Sscan(x.Text, &j)
			out[i] = data[j]
		}
		return out
	}
	return pick(tr), pick(te)
}

// PairModel says whether two questions mean the same: boosted trees over
// dense pair features, target statistics of the pair's differences and two
// first-stage scores, a logistic regression over hashed features of the
// characters and bigrams the two do and do not share and a Siamese
// embedding model; several such models averaged (see TrainPairs).
type PairModel struct {
	idf       map[string]float64
	defIDF    float64
	w         []float32
	trees     *gbdt        // nil: the logistic score alone
	embed     *pairEmbed   // nil when not used
	senses    *senses      // nil without a dictionary
	stats     *pairStats   // nil when not used (pairte.go)
	bags      []*PairModel // when set, Prob is their mean (the fields above unused)
	threshold float64
}

const pairBits = 20

// pairSparse selects the sparse feature families: 1 shared grams, 2
// differing grams, 4 cross features of differing characters, 8 the
// substitutions of the alignment (alignGaps: 花|借). On 10% AFQMC splits
// the differing grams and the substitutions are the best pair; shared
// grams and all-pairs cross features overfit.
var pairSparse = 2 | 8

// pairFeatures returns the hashed features of a pair (index 0 is the bias).
func (pm *PairModel) pairFeatures(a, b string) []feat {
	ga, gb := grams(a), grams(b)
	var out []feat
	add := func(name string, v float64) {
		out = append(out, feat{int32(hashStr(nsWord, name) & (1<<pairBits - 1)), float32(v)})
	}
	addBucket := func(name string, v float64, buckets int) {
		bk := int(v * float64(buckets))
		bk = min(max(bk, 0), buckets-1)
		add(name+itoa(bk), 1)
		add(name, v)
	}
	out = append(out, feat{0, 1})
	for n := 1; n <= 2; n++ {
		sa, sb := ga[n], gb[n]
		inter, union := 0, len(sb)
		var dot, na, nb float64
		for g := range sa {
			wa := pm.weight(g)
			na += wa * wa
			if sb[g] {
				inter++
				dot += wa * wa
				if pairSparse&1 != 0 {
					add("s"+itoa(n)+":"+g, 1)
				}
			} else {
				union++
				if pairSparse&2 != 0 {
					add("d"+itoa(n)+":"+g, 1)
				}
			}
		}
		for g := range sb {
			wb := pm.weight(g)
			nb += wb * wb
			if !sa[g] && pairSparse&2 != 0 {
				add("d"+itoa(n)+":"+g, 1)
			}
		}
		jac := 0.0
		if union > 0 {
			jac = float64(inter) / float64(union)
		}
		cos := 0.0
		if na > 0 && nb > 0 {
			cos = dot / math.Sqrt(na*nb)
		}
		addBucket("jac"+itoa(n)+"_", jac, 10)
		addBucket("cos"+itoa(n)+"_", cos, 10)
		// Cross features of the characters only one side has.
		if n == 1 {
			var da, db []string
			for g := range sa {
				if !sb[g] {
					da = append(da, g)
				}
			}
			for g := range sb {
				if !sa[g] {
					db = append(db, g)
				}
			}
			if pairSparse&4 != 0 && len(da)*len(db) <= 64 {
				for _, x := range da {
					for _, y := range db {
						if x > y {
							x, y = y, x
						}
						add("x:"+x+"|"+y, 1)
					}
				}
			}
			add("nd"+itoa(min(len(da)+len(db), 10)), 1)
		}
	}
	if pairSparse&8 != 0 {
		for _, g := range substitutions(a, b) {
			add("g:"+g, 1)
		}
	}
	la, lb := float64(len([]rune(a))), float64(len([]rune(b)))
	if la > 0 && lb > 0 {
		addBucket("lr_", math.Min(la, lb)/math.Max(la, lb), 10)
	}
	if normalize(a) == normalize(b) {
		add("equal", 1)
	}
	if pm.senses != nil {
		for _, name := range pm.senses.features(a, b) {
			add(name, 1)
		}
	}
	// In a fixed order: the features were added in map order, and the
	// sums over them must not depend on it.
	sort.Slice(out, func(i, j int) bool {
		return out[i].idx < out[j].idx || out[i].idx == out[j].idx && out[i].val < out[j].val
	})
	return out
}

// substitutions returns the short substitutions of the character
// alignment of a and b (alignGaps) as "x|y", the two in sorted order.
func substitutions(a, b string) []string {
	ra := []rune(strings.ReplaceAll(normalize(a), " ", ""))
	rb := []rune(strings.ReplaceAll(normalize(b), " ", ""))
	var out []string
	for _, g := range alignGaps(ra, rb) {
		x, y := g[0], g[1]
		if x > y {
			x, y = y, x
		}
		if len(x)+len(y) <= 24 { // short substitutions only
			out = append(out, x+"|"+y)
		}
	}
	return out
}

func (pm *PairModel) weight(g string) float64 {
	if w, ok := pm.idf[g]; ok {
		return w
	}
	return pm.defIDF
}

// grams returns the sets of character unigrams (1) and bigrams (2) of s.
func grams(s string) [3]map[string]bool {
	r := []rune(normalize(s))
	g := [3]map[string]bool{nil, {}, {}}
	for i := range r {
		if r[i] == ' ' {
			continue
		}
		g[1][string(r[i])] = true
		if i+1 < len(r) && r[i+1] != ' ' {
			g[2][string(r[i:i+2])] = true
		}
	}
	return g
}

// TrainPairs trains a pair model in two stages. A logistic regression
// over the sparse overlap and difference features (AdaGrad; defaults 2
// epochs, rate 0.02, L2 1e-4) and a Siamese embedding model (pairembed.go)
// each give a score; boosted trees then combine the scores with dense
// features (lengths, overlaps, edit distance, negation and question-kind
// mismatches) and the target statistics of the pair's differences
// (pairte.go) into the probability. So that the trees do not learn to
// trust a score or a statistic that has seen the pair, they are trained
// on out-of-fold values (pairFolds folds). Options.PairBags such models
// (default pairBags), each trained on the pairs in another order with
// stochastic trees, are averaged. The decision threshold is 0.5.
func TrainPairs(data []Pair, opts Options) *PairModel {
	if opts.Epochs == 0 {
		opts.Epochs = 2
	}
	if opts.Rate == 0 {
		opts.Rate = 0.02
	}
	if opts.L2 == 0 {
		opts.L2 = 1e-4
	}
	opts = opts.withDefaults()
	var sn *senses
	if opts.Dictionary != nil && opts.Embedder != nil {
		texts := make([]string, 0, 2*len(data))
		for _, p := range data {
			texts = append(texts, p.A, p.B)
		}
		start := time.Now()
		sn = newSenses(opts.Dictionary, opts.Embedder, texts, senseClusters)
		if sn != nil && opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "pairs: %d words, %d with definitions, in %d groups (%s)\n",
				len(sn.words), sn.known, sn.k, time.Since(start).Round(time.Millisecond))
		}
	}
	bags := opts.PairBags
	if bags == 0 {
		bags = pairBags
	}
	if bags <= 1 {
		return trainPairs(data, opts, sn, 0)
	}
	// Each model sees the pairs in another order (other folds, other
	// shuffles of the logistic regression and the embeddings) and its
	// trees draw other rows and features; averaging them steadies the
	// probabilities.
	pm := &PairModel{bags: make([]*PairModel, bags), senses: sn, threshold: 0.5}
	start := time.Now()
	sem := make(chan struct{}, min(runtime.GOMAXPROCS(0), bags))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for b := range bags {
		d, o := data, opts
		o.Progress = nil
		if b > 0 {
			d = slices.Clone(data)
			rng := rand.New(rand.NewPCG(uint64(b), 99))
			rng.Shuffle(len(d), func(i, j int) { d[i], d[j] = d[j], d[i] })
			o.Seed += uint64(b)
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			pm.bags[b] = trainPairs(d, o, sn, b)
			if opts.Progress != nil {
				mu.Lock()
				done++
				fmt.Fprintf(opts.Progress, "pairs: model %d of %d trained (%s)\n", done, bags, time.Since(start).Round(time.Millisecond))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return pm
}

// trainPairs is TrainPairs for one model with the word groups already
// built (nil: none); bag seeds the trees' sampling.
func trainPairs(data []Pair, opts Options, sn *senses, bag int) *PairModel {
	pm := &PairModel{idf: map[string]float64{}, threshold: 0.5, senses: sn}
	df := map[string]int{}
	n := 0
	for _, p := range data {
		for _, s := range []string{p.A, p.B} {
			n++
			g := grams(s)
			for k := 1; k <= 2; k++ {
				for x := range g[k] {
					df[x]++
				}
			}
		}
	}
	for x, d := range df {
		pm.idf[x] = math.Log(float64(n+1)/float64(d+1)) + 1
	}
	pm.defIDF = math.Log(float64(n+1)) + 1
	xs := make([][]feat, len(data))
	ys := make([]bool, len(data))
	for i, p := range data {
		xs[i] = pm.pairFeatures(p.A, p.B)
		ys[i] = p.Same
	}
	pm.w = fitPairLR(xs, ys, opts)
	if !pairTrees || len(data) < 10*pairFolds {
		return pm
	}
	// Out-of-fold logistic scores for the trees.
	oof := make([]float64, len(data))
	oofX := make([]float64, len(data))
	for f := range pairFolds {
		var tx [][]feat
		var ty []bool
		var tp []Pair
		for i := range xs {
			if i%pairFolds != f {
				tx, ty, tp = append(tx, xs[i]), append(ty, ys[i]), append(tp, data[i])
			}
		}
		o := opts
		o.Progress = nil
		w := fitPairLR(tx, ty, o)
		var pe *pairEmbed
		if pairEmbedding {
			pe = fitPairEmbed(tp, 32, 5, 0.05, opts.Seed, pm.senses)
		}
		for i := f; i < len(xs); i += pairFolds {
			oof[i] = dotFeat(w, xs[i])
			if pe != nil {
				oofX[i] = pe.pairScore(data[i].A, data[i].B)
			}
		}
	}
	if pairEmbedding {
		pm.embed = fitPairEmbed(data, 32, 5, 0.05, opts.Seed, pm.senses)
	}
	rows := make([][]float64, len(data))
	for i, p := range data {
		rows[i] = append(pm.pairDense(p.A, p.B), oof[i])
		if pm.embed != nil {
			rows[i] = append(rows[i], oofX[i])
		}
	}
	if pairTargetStats {
		pos := 0
		for _, y := range ys {
			if y {
				pos++
			}
		}
		pm.stats = newPairStats(float64(pos) / float64(len(ys)))
		folds := make([]*pairStats, pairFolds)
		for f := range folds {
			folds[f] = newPairStats(pm.stats.prior)
		}
		keys := make([][pairStatFams][]string, len(data))
		for i, p := range data {
			keys[i] = pm.pairKeys(p.A, p.B)
			pm.stats.add(&keys[i], ys[i])
			folds[i%pairFolds].add(&keys[i], ys[i])
		}
		for i := range rows {
			rows[i] = append(rows[i], pm.stats.features(&keys[i], folds[i%pairFolds])...)
		}
	}
	treeOpts := pairTreeOptions
	treeOpts.seed = uint64(bag)
	if pairCVThreshold {
		// Choose the threshold that maximises accuracy on one fold the
		// trees did not see.
		var tr, ho [][]float64
		var ty, hy []bool
		for i := range rows {
			if i%pairFolds == 0 {
				ho, hy = append(ho, rows[i]), append(hy, ys[i])
			} else {
				tr, ty = append(tr, rows[i]), append(ty, ys[i])
			}
		}
		g := fitGBDT(tr, ty, treeOpts)
		ps := make([]float64, len(ho))
		for i, r := range ho {
			ps[i] = g.prob(r)
		}
		pm.threshold = bestThreshold(ps, hy)
	}
	pm.trees = fitGBDT(rows, ys, treeOpts)
	return pm
}

// bestThreshold returns the threshold on ps that classifies ys most
// accurately (predict true when p >= threshold), midway between the two
// probabilities it falls between.
func bestThreshold(ps []float64, ys []bool) float64 {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return ps[idx[a]] > ps[idx[b]] })
	neg := 0
	for _, y := range ys {
		if !y {
			neg++
		}
	}
	// Predicting true for the top i: right = true positives + negatives below.
	best, bestI, tp := neg, 0, 0
	for i, j := range idx {
		if ys[j] {
			tp++
		}
		right := tp + neg - (i + 1 - tp)
		if right > best && (i+1 == len(idx) || ps[idx[i+1]] < ps[j]) {
			best, bestI = right, i+1
		}
	}
	switch {
	case bestI == 0:
		return math.Max(ps[idx[0]], 0.5) + 1e-9
	case bestI == len(idx):
		return ps[idx[bestI-1]]
	}
	return (ps[idx[bestI-1]] + ps[idx[bestI]]) / 2
}

// Pair model settings (see docs/bot.md).
var (
	pairTrees       = true
	pairFolds       = 5
	pairEmbedding   = true  // the Siamese embedding score as a tree input
	pairCVThreshold = false // measured: a noisier threshold than 0.5
	pairTreeOptions = gbdtOptions{trees: 200, depth: 5, rate: 0.05, lambda: 1, minChild: 5, subsample: 0.8, colsample: 0.8}
	pairBags        = 5 // models averaged (Options.PairBags)
)

// fitPairLR runs AdaGrad logistic regression on hashed pair features.
func fitPairLR(xs [][]feat, ys []bool, opts Options) []float32 {
	w := make([]float32, 1<<pairBits)
	g2 := make([]float32, len(w))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0xa1))
	rate, l2 := float32(opts.Rate), float32(opts.L2)
	for ep := 0; ep < opts.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		for _, i := range order {
			p := 1 / (1 + math.Exp(-dotFeat(w, xs[i])))
			y := 0.0
			if ys[i] {
				y = 1
			}
			loss -= y*math.Log(math.Max(p, 1e-12)) + (1-y)*math.Log(math.Max(1-p, 1e-12))
			g := float32(p - y)
			for _, f := range xs[i] {
				gr := g*f.val + l2*w[f.idx]
				g2[f.idx] += gr * gr
				w[f.idx] -= rate * gr / float32(math.Sqrt(float64(g2[f.idx])+1e-8))
			}
		}
		if opts.Progress != nil {
			io.WriteString(opts.Progress, progressLine(ep+1, opts.Epochs, loss/float64(len(xs))))
		}
	}
	return w
}

func dotFeat(w []float32, x []feat) float64 {
	var z float64
	for _, f := range x {
		z += float64(w[f.idx] * f.val)
	}
	return z
}

// Prob is the probability that a and b mean the same.
func (pm *PairModel) Prob(a, b string) float64 {
	if len(pm.bags) > 0 {
		var sum float64
		for _, m := range pm.bags {
			sum += m.Prob(a, b)
		}
		return sum / float64(len(pm.bags))
	}
	z := dotFeat(pm.w, pm.pairFeatures(a, b))
	if pm.trees == nil {
		return 1 / (1 + math.Exp(-z))
	}
	row := append(pm.pairDense(a, b), z)
	if pm.embed != nil {
		row = append(row, pm.embed.pairScore(a, b))
	}
	if pm.stats != nil {
		k := pm.pairKeys(a, b)
		row = append(row, pm.stats.features(&k, nil)...)
	}
	return pm.trees.prob(row)
}

// Same says whether a and b mean the same.
func (pm *PairModel) Same(a, b string) bool { return pm.Prob(a, b) >= pm.threshold }

// PairReport is the result of a pair evaluation.
type PairReport struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	Majority float64 `json:"majority"`
	// BestThreshold and BestAccuracy are for reference only: the threshold
	// is chosen on the test pairs themselves.
	BestAccuracy float64 `json:"oracle_threshold_accuracy"`
	// AUC is the area under the ROC curve: how well the probabilities
	// rank same-meaning pairs above the others, whatever the threshold.
	AUC float64 `json:"auc"`
}

// EvaluatePairs measures pm on test.
func EvaluatePairs(pm *PairModel, test []Pair) PairReport {
	r := PairReport{N: len(test)}
	if len(test) == 0 {
		return r
	}
	probs := make([]float64, len(test))
	for i, t := range test {
		probs[i] = pm.Prob(t.A, t.B)
	}
	return pairReport(probs, pm.threshold, test)
}

// pairReport measures the probabilities probs of the pairs test, deciding
// "same" at threshold.
func pairReport(probs []float64, threshold float64, test []Pair) PairReport {
	r := PairReport{N: len(test)}
	if len(test) == 0 {
		return r
	}
	type pr struct {
		p    float64
		same bool
	}
	ps := make([]pr, len(test))
	ok, pos := 0, 0
	for i, t := range test {
		ps[i] = pr{probs[i], t.Same}
		if (ps[i].p >= threshold) == t.Same {
			ok++
		}
		if t.Same {
			pos++
		}
	}
	n := float64(len(test))
	r.Accuracy = float64(ok) / n
	r.Majority = math.Max(float64(pos), n-float64(pos)) / n
	sort.Slice(ps, func(i, j int) bool { return ps[i].p > ps[j].p })
	// Predict "same" for the top i: correct = positives in top i +
	// negatives below.
	best, tp := len(test)-pos, 0
	for i, x := range ps {
		if x.same {
			tp++
		}
		best = max(best, tp+(len(test)-pos)-(i+1-tp))
	}
	r.BestAccuracy = float64(best) / n
	// AUC from the ranks (ascending), ties averaged.
	var rankSum float64
	for i := 0; i < len(ps); {
		j := i
		for j < len(ps) && ps[j].p == ps[i].p {
			j++
		}
		mid := float64(len(ps)-i+len(ps)-j+1) / 2 // mean ascending rank of ps[i:j]
		for _, x := range ps[i:j] {
			if x.same {
				rankSum += mid
			}
		}
		i = j
	}
	if p, q := float64(pos), n-float64(pos); p > 0 && q > 0 {
		r.AUC = (rankSum - p*(p+1)/2) / (p * q)
	}
	return r
}
