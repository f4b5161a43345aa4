//go:build !purego

package linalg

import "golang.org/x/sys/cpu"

//go:generate go run asmgen.go

// rowBlock is the most output rows one assembly call updates.
const rowBlock = 6

//go:noescape
func gemmAVX512(out, x, w *float32, k, ldx, ldw, ldo, rows, nv int, mask uint64)

//go:noescape
func gemmAVX2(out, x, w *float32, k, ldx, ldw, ldo, rows, nv int)

// kernels lists the kernels this CPU can run, fastest first.
func kernels() []kernel {
	var ks []kernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, kernel{"avx512", matMulAddAVX512, matMulAddPackedAVX512})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, kernel{"avx2", matMulAddAVX2, matMulAddPackedAVX2})
	}
	return append(ks, kernel{"go", matMulAddGo, matMulAddPackedGo})
}

// matMulAddAVX512 walks strips of 32 columns; within a strip it covers the
// t rows in near-equal blocks of at most rowBlock rows, so the strip of w
// (k×32) stays in cache while every row block reads it. The last strip's
// missing columns are masked off inside the kernel.
func matMulAddAVX512(out, x, w []float32, t, k, n int) {
	for j := 0; j < n; j += 32 {
		c := min(32, n-j)
		nv := (c + 15) / 16
		mask := uint64(1)<<c - 1
		for i, nb := 0, (t+rowBlock-1)/rowBlock; nb > 0; nb-- {
			r := (t - i + nb - 1) / nb
			gemmAVX512(&out[i*n+j], &x[i*k], &w[j], k, k, n, n, r, nv, mask)
			i += r
		}
	}
}

// matMulAddAVX2 walks strips of 16 columns, then one of 8 if that many
// remain, like matMulAddAVX512; the last n%8 columns go through
// avx2Tail.
func matMulAddAVX2(out, x, w []float32, t, k, n int) {
	j := 0
	for j+8 <= n {
		nv := 1
		if j+16 <= n {
			nv = 2
		}
		for i, nb := 0, (t+rowBlock-1)/rowBlock; nb > 0; nb-- {
			r := (t - i + nb - 1) / nb
			gemmAVX2(&out[i*n+j], &x[i*k], &w[j], k, k, n, n, r, nv)
			i += r
		}
		j += 8 * nv
	}
	if j < n {
		avx2Tail(out, x, w, t, k, n, j)
	}
}

// tailK is how many rows of w avx2Tail pads at a time.
const tailK = 64

// avx2Tail adds the columns j..n-1 (fewer than 8) of x·w to out. AVX2 has
// no cheap masked store, so it copies those columns of w, zero-padded to
// 8, into a buffer on the stack, runs the kernel on a padded copy of each
// row block of out and copies the real columns back.
func avx2Tail(out, x, w []float32, t, k, n, j int) {
	c := n - j
	var wbuf [tailK * 8]float32
	var obuf [rowBlock * 8]float32
	for p0 := 0; p0 < k; p0 += tailK {
		kc := min(tailK, k-p0)
		for p := 0; p < kc; p++ {
			copy(wbuf[p*8:p*8+c], w[(p0+p)*n+j:(p0+p)*n+n])
		}
		for i, nb := 0, (t+rowBlock-1)/rowBlock; nb > 0; nb-- {
			r := (t - i + nb - 1) / nb
			for ii := 0; ii < r; ii++ {
				copy(obuf[ii*8:ii*8+c], out[(i+ii)*n+j:(i+ii)*n+n])
			}
			gemmAVX2(&obuf[0], &x[i*k+p0], &wbuf[0], kc, k, 8, 8, r, 1)
			for ii := 0; ii < r; ii++ {
				copy(out[(i+ii)*n+j:(i+ii)*n+n], obuf[ii*8:ii*8+c])
			}
			i += r
		}
	}
}
