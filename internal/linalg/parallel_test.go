package linalg

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestParallelMatMulAdd checks that splitting the rows among goroutines
// gives MatMulAdd's answer for every worker count, including more workers
// than rows can feed.
func TestParallelMatMulAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	par := kernel{name: "parallel"}
	for _, workers := range []int{0, 1, 2, 3, 8} {
		par.fn = func(out, x, w []float32, t, k, n int) { ParallelMatMulAdd(out, x, w, t, k, n, workers) }
		for _, sh := range append(encoderShapes, shape{3, 40, 70}, shape{9, 33, 17}, shape{53, 512, 1536}) {
			checkShape(t, r, par, sh)
		}
	}
}

func BenchmarkParallelMatMulAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range []shape{{15, 512, 1536}, {53, 512, 1536}, {53, 1536, 512}} {
		x, w, out := randSlice(r, sh.t*sh.k, 0), randSlice(r, sh.k*sh.n, 0), randSlice(r, sh.t*sh.n, 0)
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%dx%dx%d/workers=%d", sh.t, sh.k, sh.n, workers), func(b *testing.B) {
				for b.Loop() {
					ParallelMatMulAdd(out, x, w, sh.t, sh.k, sh.n, workers)
				}
			})
		}
	}
}
