package matcher

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// fitSVM trains one L2-regularised, squared-hinge-loss linear SVM per
// class (one against the rest) by dual coordinate descent, as LIBLINEAR
// does: each pass visits the examples in a random order and solves for one
// dual variable at a time in closed form, so it converges in a few dozen
// passes without a learning rate. The bias is the weight of a constant
// feature of value 1 (and is regularised with the rest). c is the cost of
// a margin violation. The classes are independent and trained in
// parallel; the result does not depend on the scheduling.
func fitSVM(ex []example, dim, k int, c float64, seed uint64) *model {
	md := &model{w: make([]float32, dim*k), b: make([]float32, k)}
	if len(ex) == 0 || k == 0 {
		return md
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range min(runtime.GOMAXPROCS(0), k) {
		wg.Go(func() {
			w := make([]float64, dim)
			qii := make([]float64, len(ex))
			for cls := range jobs {
				clear(w)
				// Q_ii = x_i·x_i + 1 (bias) + 1/(2C).
				for i, e := range ex {
					s := 1 + 1/(2*c)
					for _, f := range e.x {
						v := float64(f.val)
						s += v * v
					}
					qii[i] = s
				}
				b := svmOneClass(ex, qii, cls, c, seed+uint64(cls), w)
				mu.Lock()
				for j, v := range w {
					md.w[j*k+cls] = float32(v)
				}
				md.b[cls] = float32(b)
				mu.Unlock()
			}
		})
	}
	for cls := range k {
		jobs <- cls
	}
	close(jobs)
	wg.Wait()
	return md
}

// svmMaxPasses bounds the dual coordinate descent; svmTol is LIBLINEAR's
// stopping tolerance on the projected gradient.
const (
	svmMaxPasses = 60
	svmTol       = 0.05
)

// svmOneClass trains class cls against the rest into w and returns the bias.
func svmOneClass(ex []example, qii []float64, cls int, c float64, seed uint64, w []float64) float64 {
	n := len(ex)
	alpha := make([]float64, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x5f3))
	d := 1 / (2 * c)
	var b float64
	for range svmMaxPasses {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		for _, i := range order {
			e := ex[i]
			y := -1.0
			if e.y == cls {
				y = 1
			}
			dot := b
			for _, f := range e.x {
				dot += w[f.idx] * float64(f.val)
			}
			g := y*dot - 1 + d*alpha[i]
			pg := g
			if alpha[i] == 0 && g > 0 {
				pg = 0
			}
			pgMax, pgMin = math.Max(pgMax, pg), math.Min(pgMin, pg)
			if pg == 0 {
				continue
			}
			old := alpha[i]
			alpha[i] = math.Max(old-g/qii[i], 0)
			delta := (alpha[i] - old) * y
			if delta == 0 {
				continue
			}
			for _, f := range e.x {
				w[f.idx] += delta * float64(f.val)
			}
			b += delta
		}
		if pgMax-pgMin < svmTol {
			break
		}
	}
	return b
}
