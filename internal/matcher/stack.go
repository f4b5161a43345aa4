package matcher

import "math"

// fitBlend finds non-negative weights a, one per scorer, that minimise the
// negative log-likelihood of ys under softmax(Σ_m a_m·s_m), where s[m][i]
// holds scorer m's k scores for held-out question i. With one scorer this
// is temperature scaling (a = 1/T); with several it also learns how much
// to trust each. It runs projected gradient descent with backtracking in
// the weights, which is enough for a handful of parameters.
func fitBlend(s [][][]float64, ys []int, k int) []float64 {
	nm := len(s)
	a := make([]float64, nm)
	for m := range a {
		a[m] = 1 / float64(nm)
	}
	if len(ys) == 0 || nm == 0 {
		return a
	}
	z := make([]float64, k)
	eval := func(a []float64, grad []float64) float64 {
		clear(grad)
		var nll float64
		for i, y := range ys {
			clear(z)
			for m := range nm {
				for c, v := range s[m][i] {
					z[c] += a[m] * v
				}
			}
			softmax(z, 1)
			nll -= math.Log(math.Max(z[y], 1e-12))
			for m := range nm {
				// d/da_m = E_p[s_m] - s_m[y]
				g := -s[m][i][y]
				for c, p := range z {
					g += p * s[m][i][c]
				}
				grad[m] += g
			}
		}
		n := float64(len(ys))
		for m := range grad {
			grad[m] /= n
		}
		return nll / n
	}
	grad := make([]float64, nm)
	tryG := make([]float64, nm)
	try := make([]float64, nm)
	f := eval(a, grad)
	step := 1.0
	for range 300 {
		var moved bool
		for range 40 {
			for m := range a {
				try[m] = math.Max(a[m]-step*grad[m], 0)
			}
			ft := eval(try, tryG)
			if ft < f-1e-12 {
				copy(a, try)
				copy(grad, tryG)
				moved = f-ft > 1e-9
				f = ft
				step *= 2
				break
			}
			step /= 2
		}
		if !moved {
			break
		}
	}
	return a
}
