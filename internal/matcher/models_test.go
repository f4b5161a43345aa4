package matcher

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
		ex = append(ex, example{x: []feat{{int32(c), 1}, {3, float32(i%5) / 5}}, y: c})
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
			example{x: []feat{{0, 1}, {2, 1}}, y: 1},
			example{x: []feat{{1, 1}, {2, 1}}, y: 1},
			example{x: []feat{{0, 1}, {1, 1}, {2, 1}}, y: 0},
			example{x: []feat{{2, 1}}, y: 0})
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

// fitTemperature picks the temperature minimising the negative
// log-likelihood of ys under softmax(logits/T): a blend of one scorer.
func fitTemperature(logits [][]float64, ys []int) float64 {
	if len(ys) == 0 {
		return 1
	}
	a := fitBlend([][][]float64{logits}, ys, len(logits[0]))
	if a[0] <= 0 {
		return math.Inf(1)
	}
	return 1 / a[0]
}
