// Package linalg holds the dense float32 kernels the sentence encoder runs
// on. MatMulAdd is the one that matters: on amd64 it runs a register-blocked
// AVX-512 or AVX2+FMA micro-kernel chosen once from the CPU's features, and
// elsewhere (or with the purego build tag) a portable Go loop. A matrix
// multiplied many times, like a model's weights, can be packed once with
// Pack and multiplied with MatMulAddPacked, which reads it contiguously.
// All functions are safe for concurrent use.
package linalg

// kernel is one implementation of MatMulAdd, after the shape checks.
type kernel struct {
	name   string
	fn     func(out, x, w []float32, t, k, n int)
	packed func(out, x []float32, p *Packed, t int) // MatMulAddPacked
}

// best and bestPacked are the fastest kernels this CPU runs, chosen once at
// start-up.
var (
	best       = kernels()[0].fn
	bestPacked = kernels()[0].packed
)

// MatMulAdd adds x·w to out. All three are row-major: out is t×n, x is
// t×k and w is k×n. It panics if a slice is shorter than its shape.
func MatMulAdd(out, x, w []float32, t, k, n int) {
	if t < 0 || k < 0 || n < 0 {
		panic("linalg: negative matrix dimension")
	}
	if t == 0 || k == 0 || n == 0 {
		return
	}
	_ = out[t*n-1]
	_ = x[t*k-1]
	_ = w[k*n-1]
	best(out, x, w, t, k, n)
}
