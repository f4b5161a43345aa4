package bot

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func argmax(s []float64) int {
	best := 0
	for c := range s {
		if s[c] > s[best] {
			best = c
		}
	}
	return best
}

// toyExamples: three classes, each marked by its own feature, plus a
// shared noisy feature.
func toyExamples() []example {
	var ex []example
	for i := range 30 {
		c := i % 3
		ex = append(ex, example{[]feat{{int32(c), 1}, {3, float32(i%5) / 5}}, c})
	}
	return ex
}

func TestFitSVM(t *testing.T) {
	ex := toyExamples()
	md := fitSVM(ex, 4, 3, 1, 1)
	out := make([]float64, 3)
	for _, e := range ex {
		md.scores(e.x, out)
		if argmax(out) != e.y {
			t.Fatalf("SVM put %v in class %d, want %d (scores %v)", e.x, argmax(out), e.y, out)
		}
		// Squared hinge: the right class's margin is close to +1.
		if out[e.y] < 0.5 {
			t.Errorf("margin %v for the right class, want near 1", out[e.y])
		}
	}
	again := fitSVM(ex, 4, 3, 1, 1)
	if !slices.Equal(md.w, again.w) || !slices.Equal(md.b, again.b) {
		t.Error("SVM training is not deterministic")
	}
}

func TestFitMLPLearnsXOR(t *testing.T) {
	// Class 1 when exactly one of features 0 and 1 is present: no linear
	// model over these features can do it.
	var ex []example
	for range 20 {
		ex = append(ex,
			example{[]feat{{0, 1}, {2, 1}}, 1},
			example{[]feat{{1, 1}, {2, 1}}, 1},
			example{[]feat{{0, 1}, {1, 1}, {2, 1}}, 0},
			example{[]feat{{2, 1}}, 0})
	}
	m := fitMLP(ex, 3, 2, mlpOptions{hidden: 16, epochs: 60, rate: 0.1, seed: 1})
	out := make([]float64, 2)
	for _, e := range ex[:4] {
		m.scores(e.x, out)
		if argmax(out) != e.y {
			t.Errorf("network put %v in class %d, want %d", e.x, argmax(out), e.y)
		}
	}
}

func TestFitBlend(t *testing.T) {
	// One scorer knows the answer, the other is noise: the blend must
	// weigh the first and (nearly) ignore the second.
	rng := rand.New(rand.NewPCG(1, 2))
	const k, n = 4, 400
	good := make([][]float64, n)
	noise := make([][]float64, n)
	ys := make([]int, n)
	for i := range n {
		ys[i] = i % k
		good[i] = make([]float64, k)
		noise[i] = make([]float64, k)
		for c := range k {
			good[i][c] = rng.NormFloat64()
			noise[i][c] = 3 * rng.NormFloat64()
		}
		good[i][ys[i]] += 2
	}
	a := fitBlend([][][]float64{good, noise}, ys, k)
	if a[0] < 0.5 || a[1] > 0.05*a[0] {
		t.Errorf("blend weights %v, want the first large and the second near 0", a)
	}
	if temp := fitTemperature(good, ys); math.Abs(temp-1/a[0]) > 0.1*temp {
		t.Errorf("temperature %v, want about 1/%v", temp, a[0])
	}
}

func TestFitGBDT(t *testing.T) {
	// XOR of two thresholds, plus a useless feature.
	rng := rand.New(rand.NewPCG(3, 4))
	var x [][]float64
	var y []bool
	for range 2000 {
		a, b := rng.Float64(), rng.Float64()
		x = append(x, []float64{a, b, rng.Float64()})
		y = append(y, (a > 0.3) != (b > 0.6))
	}
	g := fitGBDT(x, y, gbdtOptions{trees: 50, depth: 3, rate: 0.3, lambda: 1, minChild: 5})
	ok := 0
	for i := range x {
		if (g.prob(x[i]) >= 0.5) == y[i] {
			ok++
		}
	}
	if acc := float64(ok) / float64(len(x)); acc < 0.97 {
		t.Errorf("boosted trees accuracy %.3f on XOR, want >= 0.97", acc)
	}
	// Stochastic boosting still learns it, the same for the same seed and
	// differently for another.
	o := gbdtOptions{trees: 50, depth: 3, rate: 0.3, lambda: 1, minChild: 5, subsample: 0.7, colsample: 0.7, seed: 1}
	s1, s1again := fitGBDT(x, y, o), fitGBDT(x, y, o)
	o.seed = 2
	s2 := fitGBDT(x, y, o)
	ok, differ := 0, false
	for i := range x {
		p := s1.prob(x[i])
		if (p >= 0.5) == y[i] {
			ok++
		}
		if p != s1again.prob(x[i]) {
			t.Fatalf("row %d: %v, then %v with the same seed", i, p, s1again.prob(x[i]))
		}
		differ = differ || p != s2.prob(x[i])
	}
	if acc := float64(ok) / float64(len(x)); acc < 0.95 {
		t.Errorf("stochastic boosted trees accuracy %.3f on XOR, want >= 0.95", acc)
	}
	if !differ {
		t.Error("another seed grew the same trees")
	}
}

func TestStringDistances(t *testing.T) {
	for _, c := range []struct {
		a, b         string
		lcs, run, ed int
	}{
		{"花呗怎么还款", "借呗怎么还款", 5, 5, 1},
		{"怎么还花呗", "花呗怎么还", 3, 3, 4},
		{"", "abc", 0, 0, 3},
		{"kitten", "sitting", 4, 3, 3},
	} {
		a, b := []rune(c.a), []rune(c.b)
		if got := lcsLen(a, b); got != c.lcs {
			t.Errorf("lcsLen(%q, %q) = %d, want %d", c.a, c.b, got, c.lcs)
		}
		if got := longestCommonRun(a, b); got != c.run {
			t.Errorf("longestCommonRun(%q, %q) = %d, want %d", c.a, c.b, got, c.run)
		}
		if got := editDistance(a, b); got != c.ed {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.ed)
		}
	}
	got := alignGaps([]rune("花呗怎么还款"), []rune("借呗如何还款"))
	want := [][2]string{{"花", "借"}, {"怎么", "如何"}}
	if !slices.Equal(got, want) {
		t.Errorf("alignGaps = %q, want %q", got, want)
	}
	if got := alignGaps([]rune("花呗能提前还吗"), []rune("花呗提前还吗")); !slices.Equal(got, [][2]string{{"能", ""}}) {
		t.Errorf("alignGaps with an insertion = %q", got)
	}
}

func TestStem(t *testing.T) {
	for in, want := range map[string]string{
		"transfers": "transfer", "transferred": "transfer", "transferring": "transfer",
		"charges": "charge", "fees": "fee", "currencies": "currency",
		"applied": "apply", "quickly": "quick", "status": "status", "address": "address",
		"top": "top", "pin": "pin", "3ds": "3ds", "bus": "bus",
	} {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}
