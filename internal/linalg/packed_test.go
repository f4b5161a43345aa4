package linalg

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// packedKernel runs kern's packed path as a plain kernel, packing w first,
// so checkShape can test it.
func packedKernel(kern kernel) kernel {
	return kernel{name: kern.name + "/packed", fn: func(out, x, w []float32, t, k, n int) {
		kern.packed(out, x, Pack(w, k, n), t)
	}}
}

func TestMatMulAddPackedKernels(t *testing.T) {
	for _, kern := range kernels() {
		pk := packedKernel(kern)
		t.Run(kern.name, func(t *testing.T) {
			checkShapes(t, rand.New(rand.NewPCG(7, 8)), pk, append(encoderShapes, shape{7, 1536, 512}, shape{48, 256, 384}), 100)
		})
	}
}

// TestMatMulAddPackedMatchesMatMulAdd checks the exported pair give the
// same sums in the same order, so packing a model's weights does not change
// its results.
func TestMatMulAddPackedMatchesMatMulAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, sh := range []shape{{48, 512, 1536}, {7, 1536, 512}, {3, 40, 70}} {
		x, w := randSlice(r, sh.t*sh.k, 0), randSlice(r, sh.k*sh.n, 0)
		want, got := make([]float32, sh.t*sh.n), make([]float32, sh.t*sh.n)
		MatMulAdd(want, x, w, sh.t, sh.k, sh.n)
		p := Pack(w, sh.k, sh.n)
		if p.Rows() != sh.k || p.Cols() != sh.n {
			t.Fatalf("Pack %v: %d×%d", sh, p.Rows(), p.Cols())
		}
		MatMulAddPacked(got, x, p, sh.t)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%v: packed out[%d] = %g, MatMulAdd gives %g", sh, i, got[i], want[i])
			}
		}
	}
}

func TestMatMulAddPackedEmptyAndShort(t *testing.T) {
	MatMulAddPacked(nil, nil, Pack(nil, 0, 5), 3)
	MatMulAddPacked(nil, nil, Pack(nil, 5, 0), 3)
	MatMulAddPacked(nil, nil, Pack(make([]float32, 4), 2, 2), 0)
	defer func() {
		if recover() == nil {
			t.Error("MatMulAddPacked with a short x did not panic")
		}
	}()
	MatMulAddPacked(make([]float32, 4), make([]float32, 3), Pack(make([]float32, 4), 2, 2), 2)
}

// BenchmarkMatMulAddPacked reports each packed kernel on the encoder's
// large shapes at 48 rows, the longest question the FAQ matcher encodes.
func BenchmarkMatMulAddPacked(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, sh := range []shape{{48, 512, 1536}, {48, 1536, 512}, {48, 512, 512}, {48, 256, 768}, {15, 1536, 512}} {
		x := randSlice(r, sh.t*sh.k, 0)
		p := Pack(randSlice(r, sh.k*sh.n, 0), sh.k, sh.n)
		out := make([]float32, sh.t*sh.n)
		for _, kern := range kernels() {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", sh.t, sh.k, sh.n, kern.name), func(b *testing.B) {
				for b.Loop() {
					kern.packed(out, x, p, sh.t)
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(float64(sh.t*sh.k*sh.n)/ns, "GMAC/s")
			})
		}
	}
}
