package bot

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

type expData struct {
	k        int
	ex, te   []example
	ex2, te2 []example // a second view (VIEW2=1)
	dim2     int
	dim1     int // features of ex/te (the vectorizer's, plus appended embeddings)
	vec      *vectorizer
	tr       []Labeled
}

func loadExp(t *testing.T, seed uint64) expData {
	wordStem = envF("STEM", 0) != 0
	wordSkip = envF("SKIP", 0) != 0
	wordTri = envF("TRI", 0) != 0
	groupWeight[0] = envF("GW", 1)
	data := loadBanking77(t)
	tr, te := StratifiedSplit(data, 0.1, seed)
	arts := Articles(tr)
	pos := map[string]int{}
	var texts []string
	var labels []int
	for i, a := range arts {
		pos[a.ID] = i
		for _, e := range a.Examples {
			texts = append(texts, e)
			labels = append(labels, i)
		}
	}
	vec := newVectorizer(texts)
	d := expData{k: len(arts), vec: vec, tr: tr}
	for i, s := range texts {
		d.ex = append(d.ex, example{vec.vector(s), labels[i]})
	}
	for _, l := range te {
		d.te = append(d.te, example{vec.vector(l.Text), pos[l.Label]})
	}
	if envF("VIEW2", 0) != 0 {
		cpw, st, sk, tri := charPerWord, wordStem, wordSkip, wordTri
		charPerWord = envF("V2CPW", 0) != 0
		wordStem = envF("V2STEM", 1) != 0
		wordSkip = envF("V2SKIP", 1) != 0
		wordTri = envF("V2TRI", 0) != 0
		v2 := newVectorizer(texts)
		d.dim2 = v2.dim()
		for i, s := range texts {
			d.ex2 = append(d.ex2, example{v2.vector(s), labels[i]})
		}
		for _, l := range te {
			d.te2 = append(d.te2, example{v2.vector(l.Text), pos[l.Label]})
		}
		charPerWord, wordStem, wordSkip, wordTri = cpw, st, sk, tri
	}
	d.dim1 = vec.dim()
	addEmbeddings(t, &d, data, tr, te)
	return d
}

func accOf(md scorer, te []example, k int) float64 {
	p := make([]float64, k)
	ok := 0
	for _, e := range te {
		md.scores(e.x, p)
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		if best == e.y {
			ok++
		}
	}
	return float64(ok) / float64(len(te))
}

type scorer interface {
	scores(x []feat, out []float64)
}

func trainComp(m string, ex []example, dim, k int) scorer {
	switch {
	case m == "lr":
		md := &model{w: make([]float32, dim*k), b: make([]float32, k)}
		md.fit(ex, classWeights(nil, k), Options{}.withDefaults())
		return md
	case strings.HasPrefix(m, "nbsvm"):
		return fitNBSVM(ex, dim, k, num(strings.TrimPrefix(m, "nbsvm")), 1)
	case strings.HasPrefix(m, "svm"):
		return fitSVM(ex, dim, k, num(strings.TrimPrefix(m, "svm")), 1)
	case strings.HasPrefix(m, "mlp"):
		return fitMLP(ex, dim, k, mlpOptions{hidden: int(envF("HID", 256)), epochs: int(envF("MEP", 10)),
			rate: envF("MRATE", 0.02), dropout: envF("DROP", 0.5), seed: 1 + uint64(num(strings.TrimPrefix(m, "mlp")))})
	case m == "knn":
		return newNeighbours(ex, dim, k)
	case m == "cent":
		return centroids(ex, dim, k)
	}
	panic(m)
}

func scoreAll(sc []scorer, xs []example, k int) [][][]float64 {
	out := make([][][]float64, len(sc))
	for m, s := range sc {
		out[m] = make([][]float64, len(xs))
		for i, e := range xs {
			out[m][i] = make([]float64, k)
			s.scores(e.x, out[m][i])
		}
	}
	return out
}

// TestExperimentBlend: BLEND=lr,svm1,knn trains the components on 90% of
// the training part, fits the blend weights on the other 10%, retrains on
// all of it and measures the test part.
func TestExperimentBlend(t *testing.T) {
	if os.Getenv("BLEND") == "" {
		t.Skip()
	}
	comps := strings.Split(os.Getenv("BLEND"), ",")
	for _, s := range strings.Split(envS("SEEDS", "42,7"), ",") {
		seed := uint64(num(s))
		d := loadExp(t, seed)
		start := time.Now()
		var in, ho, in2, ho2 []example
		seen := map[int]int{}
		for i, e := range d.ex {
			if seen[e.y]%10 == 9 {
				ho = append(ho, e)
				if d.ex2 != nil {
					ho2 = append(ho2, d.ex2[i])
				}
			} else {
				in = append(in, e)
				if d.ex2 != nil {
					in2 = append(in2, d.ex2[i])
				}
			}
			seen[e.y]++
		}
		train := func(c string, ex, ex2 []example) scorer {
			if v, ok := strings.CutPrefix(c, "2"); ok {
				return trainComp(v, ex2, d.dim2, d.k)
			}
			return trainComp(c, ex, d.dim1, d.k)
		}
		score := func(sc []scorer, xs, xs2 []example) [][][]float64 {
			out := make([][][]float64, len(sc))
			for m, s := range sc {
				v := xs
				if strings.HasPrefix(comps[m], "2") {
					v = xs2
				}
				out[m] = scoreAll([]scorer{s}, v, d.k)[0]
			}
			return out
		}
		var sc []scorer
		for _, c := range comps {
			sc = append(sc, train(c, in, in2))
		}
		ys := make([]int, len(ho))
		for i, e := range ho {
			ys[i] = e.y
		}
		hs := score(sc, ho, ho2)
		a := fitBlend(hs, ys, d.k)
		var hf [][]float64
		var hr []bool
		for i := range ho {
			ps := make([][]float64, len(sc))
			for m := range sc {
				ps[m] = hs[m][i]
			}
			best, f := stageFeatures(ps, a)
			hf, hr = append(hf, f), append(hr, best == ys[i])
		}
		sw := fitLogistic(hf, hr)
		sc = sc[:0]
		for _, c := range comps {
			sc = append(sc, train(c, d.ex, d.ex2))
		}
		el := time.Since(start)
		ts := score(sc, d.te, d.te2)
		conf := make([]float64, len(d.te))
		right := make([]bool, len(d.te))
		ok := 0
		conf2 := make([]float64, len(d.te))
		z := make([]float64, d.k)
		accs := make([]int, len(sc))
		for i, e := range d.te {
			clear(z)
			for m := range sc {
				best := 0
				for c, v := range ts[m][i] {
					z[c] += a[m] * v
					if v > ts[m][i][best] {
						best = c
					}
				}
				if best == e.y {
					accs[m]++
				}
			}
			softmax(z, 1)
			best := 0
			for c := range z {
				if z[c] > z[best] {
					best = c
				}
			}
			conf[i], right[i] = z[best], best == e.y
			ps := make([][]float64, len(sc))
			for m := range sc {
				ps[m] = ts[m][i]
			}
			_, f := stageFeatures(ps, a)
			conf2[i] = logisticProb(sw, f)
			if right[i] {
				ok++
			}
		}
		var each []string
		for m, c := range comps {
			each = append(each, c+"="+ftoa(float64(accs[m])/float64(len(d.te))))
		}
		t.Logf("seed %d %v a=%.3v acc %.4f cov %.4f cov2 %.4f ece %.4f train %s [%s]", seed, comps, a, float64(ok)/float64(len(d.te)),
			CoverageAtPrecision(conf, right, 0.95), CoverageAtPrecision(conf2, right, 0.95), ExpectedCalibrationError(conf, right, 10), el.Round(time.Millisecond), strings.Join(each, " "))
	}
}

func TestExperimentModels(t *testing.T) {
	if os.Getenv("BOT_MODELS") == "" {
		t.Skip()
	}
	for _, s := range strings.Split(envS("SEEDS", "42,7"), ",") {
		seed := uint64(num(s))
		d := loadExp(t, seed)
		t.Logf("seed %d dim %d", seed, d.vec.dim())
		for _, m := range strings.Split(os.Getenv("BOT_MODELS"), ",") {
			start := time.Now()
			var md *model
			switch {
			case m == "lr":
				md = &model{w: make([]float32, d.vec.dim()*d.k), b: make([]float32, d.k)}
				md.fit(d.ex, classWeights(nil, d.k), Options{}.withDefaults())
			case m == "mlp":
				fitMLP(d.ex, d.vec.dim(), d.k, mlpOptions{hidden: int(envF("HID", 256)), epochs: int(envF("MEP", 10)),
					rate: envF("MRATE", 0.02), dropout: envF("DROP", 0.5), seed: 1, after: func(ep int, m *mlp) {
						t.Logf("  ep %d acc %.4f (%s)", ep, accOf(m, d.te, d.k), time.Since(start).Round(time.Millisecond))
					}})
				continue
			case strings.HasPrefix(m, "svm"):
				c := num(strings.TrimPrefix(m, "svm"))
				md = fitSVM(d.ex, d.vec.dim(), d.k, c, 1)
			}
			t.Logf("seed %d %s acc %.4f (%s)", seed, m, accOf(md, d.te, d.k), time.Since(start).Round(time.Millisecond))
		}
	}
}

func envS(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// num parses a number from an experiment's settings (0 when it is not one).
func num(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func TestExperimentErrors(t *testing.T) {
	if os.Getenv("ERRS") == "" {
		t.Skip()
	}
	d := loadExp(t, 42)
	arts := Articles(d.tr)
	md := fitSVM(d.ex, d.vec.dim(), d.k, 1, 1)
	_, te := StratifiedSplit(loadBanking77(t), 0.1, 42)
	p := make([]float64, d.k)
	for i, e := range d.te {
		md.scores(e.x, p)
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		if best != e.y {
			t.Logf("%-40s -> %-40s | %s", arts[e.y].ID, arts[best].ID, te[i].Text)
		}
	}
}

// stageFeatures: the blended top class and [log p1, log p1/p2, share of
// scorers whose own top class agrees].
func stageFeatures(parts [][]float64, a []float64) (int, []float64) {
	k := len(parts[0])
	z := make([]float64, k)
	for m, s := range parts {
		for c, v := range s {
			z[c] += a[m] * v
		}
	}
	softmax(z, 1)
	b1, b2 := 0, -1
	for c := range z {
		if z[c] > z[b1] {
			b1 = c
		}
	}
	for c := range z {
		if c != b1 && (b2 < 0 || z[c] > z[b2]) {
			b2 = c
		}
	}
	agree := 0.0
	for _, s := range parts {
		best := 0
		for c := range s {
			if s[c] > s[best] {
				best = c
			}
		}
		if best == b1 {
			agree++
		}
	}
	return b1, []float64{math.Log(z[b1] + 1e-12), math.Log(z[b1]/(z[b2]+1e-12) + 1e-12), agree / float64(len(parts))}
}

func fitLogistic(x [][]float64, y []bool) []float64 {
	w := make([]float64, len(x[0])+1)
	for range 3000 {
		g := make([]float64, len(w))
		for i, f := range x {
			p := logisticProb(w, f)
			t := 0.0
			if y[i] {
				t = 1
			}
			g[0] += p - t
			for j, v := range f {
				g[j+1] += (p - t) * v
			}
		}
		for j := range w {
			w[j] -= 0.5 * g[j] / float64(len(x))
		}
	}
	return w
}

func logisticProb(w, f []float64) float64 {
	z := w[0]
	for j, v := range f {
		z += w[j+1] * v
	}
	return 1 / (1 + math.Exp(-z))
}
