package linalg

// stripWidth is how many columns of w one strip of a Packed matrix holds:
// the 32 columns (two AVX-512 vectors) one kernel call covers.
const stripWidth = 32

// Packed is a k×n matrix laid out in the order MatMulAddPacked reads it:
// column strips of 32, each strip's k rows of 32 values contiguous, the
// last strip zero-padded. The kernels then stream each strip from one
// contiguous block instead of reading 128 bytes from every row of a wide
// row-major matrix, which the caches and TLB handle poorly when k is
// large. Pack once and multiply many times; a Packed is never modified,
// so it is safe for concurrent use.
type Packed struct {
	k, n int
	data []float32 // strips × k × stripWidth
}

// Pack copies the row-major k×n matrix w into a Packed. It panics if w is
// shorter than k·n.
func Pack(w []float32, k, n int) *Packed {
	if k < 0 || n < 0 {
		panic("linalg: negative matrix dimension")
	}
	if k > 0 && n > 0 {
		_ = w[k*n-1]
	}
	strips := (n + stripWidth - 1) / stripWidth
	p := &Packed{k: k, n: n, data: make([]float32, strips*k*stripWidth)}
	for s := range strips {
		j := s * stripWidth
		c := min(stripWidth, n-j)
		strip := p.strip(s)
		for r := range k {
			copy(strip[r*stripWidth:r*stripWidth+c], w[r*n+j:r*n+j+c])
		}
	}
	return p
}

// Rows returns k, the row count of the packed matrix.
func (p *Packed) Rows() int { return p.k }

// Cols returns n, the column count of the packed matrix.
func (p *Packed) Cols() int { return p.n }

// strip returns strip s: k rows of stripWidth values.
func (p *Packed) strip(s int) []float32 {
	sz := p.k * stripWidth
	return p.data[s*sz : (s+1)*sz]
}

// MatMulAddPacked adds x·w to out, where out is t×n and x is t×k,
// row-major, and w is the k×n matrix p. It is MatMulAdd with w packed
// beforehand. It panics if a slice is shorter than its shape.
func MatMulAddPacked(out, x []float32, p *Packed, t int) {
	if t < 0 {
		panic("linalg: negative matrix dimension")
	}
	if t == 0 || p.k == 0 || p.n == 0 {
		return
	}
	_ = out[t*p.n-1]
	_ = x[t*p.k-1]
	bestPacked(out, x, p, t)
}

// matMulAddPackedGo is the portable packed kernel: like matMulAddGo, one
// strip at a time.
func matMulAddPackedGo(out, x []float32, p *Packed, t int) {
	k, n := p.k, p.n
	for j := 0; j < n; j += stripWidth {
		c := min(stripWidth, n-j)
		strip := p.strip(j / stripWidth)
		for r := range k {
			row := strip[r*stripWidth : r*stripWidth+c]
			for i := range t {
				a := x[i*k+r]
				o := out[i*n+j : i*n+j+c]
				for jj, v := range row {
					o[jj] += a * v
				}
			}
		}
	}
}
