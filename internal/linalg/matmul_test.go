package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// shape is one t×k by k×n product.
type shape struct{ t, k, n int }

// encoderShapes are the products the sentence encoder runs, including the
// attention ones whose sides are the token count.
var encoderShapes = []shape{
	{15, 256, 768}, {15, 256, 512}, {15, 512, 1536}, {15, 1536, 512},
	{15, 512, 512}, {1, 512, 512}, {40, 512, 1536}, {128, 512, 512},
	{15, 64, 15}, {15, 15, 64}, {8, 64, 8}, {37, 37, 64}, {1, 1, 1},
}

// reference is out + x·w in float64, with the sum of the terms' sizes,
// which scales the rounding error float32 arithmetic may make.
func reference(out, x, w []float32, t, k, n int) (want, scale []float64) {
	want = make([]float64, t*n)
	scale = make([]float64, t*n)
	for i := 0; i < t; i++ {
		for j := 0; j < n; j++ {
			s := float64(out[i*n+j])
			a := math.Abs(s)
			for p := 0; p < k; p++ {
				v := float64(x[i*k+p]) * float64(w[p*n+j])
				s += v
				a += math.Abs(v)
			}
			want[i*n+j], scale[i*n+j] = s, a
		}
	}
	return want, scale
}

// randSlice returns n random values in [-1, 1) that start off past an
// allocation start, so the kernels also see unaligned slices.
func randSlice(r *rand.Rand, n, off int) []float32 {
	s := make([]float32, n+off+3)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s[off : off+n]
}

func checkShape(t *testing.T, r *rand.Rand, kern kernel, sh shape) {
	t.Helper()
	x := randSlice(r, sh.t*sh.k, r.IntN(16))
	w := randSlice(r, sh.k*sh.n, r.IntN(16))
	out := randSlice(r, sh.t*sh.n, r.IntN(16))
	// Values just past the end of out must survive: the kernels may not
	// write outside the t×n block.
	guard := out[:len(out)+3][len(out):]
	guardWas := append([]float32(nil), guard...)
	want, scale := reference(out, x, w, sh.t, sh.k, sh.n)
	kern.fn(out, x, w, sh.t, sh.k, sh.n)
	for i, g := range want {
		tol := 1e-5 * scale[i]
		if d := math.Abs(float64(out[i]) - g); d > tol || math.IsNaN(float64(out[i])) {
			t.Fatalf("%s %v: out[%d][%d] = %g, want %g", kern.name, sh, i/sh.n, i%sh.n, out[i], g)
		}
	}
	for i := range guard {
		if guard[i] != guardWas[i] {
			t.Fatalf("%s %v: wrote past the end of out", kern.name, sh)
		}
	}
}

func TestMatMulAddKernels(t *testing.T) {
	ks := kernels()
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.name
	}
	t.Logf("kernels on this CPU, fastest first: %v", names)
	if ks[len(ks)-1].name != "go" {
		t.Fatalf("last kernel is %q, want the portable go kernel", ks[len(ks)-1].name)
	}
	for _, kern := range ks {
		t.Run(kern.name, func(t *testing.T) {
			checkShapes(t, rand.New(rand.NewPCG(1, 2)), kern, encoderShapes, 300)
		})
	}
}

// checkShapes checks kern on shapes, on every row count 1..13 against
// every column tail of the 32-, 16- and 8-wide strips, and on random
// shapes.
func checkShapes(t *testing.T, r *rand.Rand, kern kernel, shapes []shape, random int) {
	t.Helper()
	for _, sh := range shapes {
		checkShape(t, r, kern, sh)
	}
	for tt := 1; tt <= 13; tt++ {
		for n := 1; n <= 70; n++ {
			checkShape(t, r, kern, shape{tt, 1 + r.IntN(9), n})
		}
	}
	for range random {
		checkShape(t, r, kern, shape{1 + r.IntN(40), 1 + r.IntN(300), 1 + r.IntN(300)})
	}
}

func TestMatMulAddAccumulates(t *testing.T) {
	// x = [1 2], w = [[3 4 5] [6 7 8]]: x·w = [15 18 21].
	x := []float32{1, 2}
	w := []float32{3, 4, 5, 6, 7, 8}
	for _, kern := range kernels() {
		out := []float32{100, 200, 300}
		kern.fn(out, x, w, 1, 2, 3)
		kern.fn(out, x, w, 1, 2, 3)
		want := []float32{130, 236, 342}
		for j := range want {
			if out[j] != want[j] {
				t.Errorf("%s: out = %v, want %v", kern.name, out, want)
				break
			}
		}
	}
}

func TestMatMulAddEmptyAndShort(t *testing.T) {
	MatMulAdd(nil, nil, nil, 0, 5, 5)
	MatMulAdd(nil, nil, nil, 5, 0, 5)
	out := []float32{1, 2}
	MatMulAdd(out, []float32{1, 1}, nil, 2, 1, 0)
	if out[0] != 1 || out[1] != 2 {
		t.Errorf("out = %v after an empty product, want it unchanged", out)
	}
	defer func() {
		if recover() == nil {
			t.Error("MatMulAdd with a short w did not panic")
		}
	}()
	MatMulAdd(make([]float32, 4), make([]float32, 4), make([]float32, 3), 2, 2, 2)
}

func TestMatMulAddConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sh := shape{15, 256, 96}
	x := randSlice(r, sh.t*sh.k, 0)
	w := randSlice(r, sh.k*sh.n, 0)
	want := make([]float32, sh.t*sh.n)
	MatMulAdd(want, x, w, sh.t, sh.k, sh.n)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			out := make([]float32, sh.t*sh.n)
			MatMulAdd(out, x, w, sh.t, sh.k, sh.n)
			for i := range out {
				if out[i] != want[i] {
					errs <- fmt.Errorf("out[%d] = %g, want %g", i, out[i], want[i])
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkMatMulAdd reports each kernel on the encoder's shapes; GMAC/s
// is t·k·n per nanosecond.
func BenchmarkMatMulAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, sh := range encoderShapes {
		x := randSlice(r, sh.t*sh.k, 0)
		w := randSlice(r, sh.k*sh.n, 0)
		out := make([]float32, sh.t*sh.n)
		for _, kern := range kernels() {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", sh.t, sh.k, sh.n, kern.name), func(b *testing.B) {
				for b.Loop() {
					kern.fn(out, x, w, sh.t, sh.k, sh.n)
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(float64(sh.t*sh.k*sh.n)/ns, "GMAC/s")
			})
		}
	}
}
