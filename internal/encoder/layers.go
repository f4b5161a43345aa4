package encoder

import (
	"math"
	"sync"

	"github.com/huiying/huiying/internal/linalg"
)

// layerNormEpsilon is the variance floor of the model's layer norms.
const layerNormEpsilon = 1e-6

// layerNorm writes, for each of the t rows of src (width d, a multiple of
// 4), the row normalised to zero mean and unit variance, then scaled and
// shifted.
func layerNorm(dst, src []float32, t, d int, scale, bias []float32) {
	for i := range t {
		row := src[i*d : i*d+d]
		out := dst[i*d : i*d+d]
		mean := rowSum(row) / float32(d)
		variance := sqDevSum(row, mean) / float32(d)
		r := float32(1 / math.Sqrt(float64(variance+layerNormEpsilon)))
		for j, v := range row {
			out[j] = (v-mean)*r*scale[j] + bias[j]
		}
	}
}

// rowSum returns the sum of v over four independent partial sums, so the
// additions overlap. len(v) is a multiple of 4.
func rowSum(v []float32) float32 {
	var s0, s1, s2, s3 float32
	for j := 0; j+4 <= len(v); j += 4 {
		s0 += v[j]
		s1 += v[j+1]
		s2 += v[j+2]
		s3 += v[j+3]
	}
	return (s0 + s1) + (s2 + s3)
}

// sqDevSum returns the sum of (v-c)², like rowSum.
func sqDevSum(v []float32, c float32) float32 {
	var s0, s1, s2, s3 float32
	for j := 0; j+4 <= len(v); j += 4 {
		a, b, e, f := v[j]-c, v[j+1]-c, v[j+2]-c, v[j+3]-c
		s0 += a * a
		s1 += b * b
		s2 += e * e
		s3 += f * f
	}
	return (s0 + s1) + (s2 + s3)
}

// setRows fills each of the t rows of out with v, the bias a following
// MatMulAdd adds to.
func setRows(out, v []float32, t int) {
	n := len(v)
	for i := range t {
		copy(out[i*n:i*n+n], v)
	}
}

// addRows adds v to each of the t rows of out.
func addRows(out, v []float32, t int) {
	n := len(v)
	for i := range t {
		row := out[i*n : i*n+n]
		for j, b := range v {
			row[j] += b
		}
	}
}

func relu(v []float32) {
	for i, x := range v {
		if x < 0 {
			v[i] = 0
		}
	}
}

// attention runs scaled dot-product self-attention over t positions. qkv
// holds, per position, the query, key and value (each of width d, split
// into heads of d/heads); ctx gets the heads' outputs side by side, row i
// at ctx[i*ldc:]. Every position attends to every other: a single text has
// no padding. Each head's queries, transposed keys and values are first
// gathered into contiguous blocks so both products are single MatMulAdd
// calls.
func attention(s *halfScratch, ctx []float32, ldc int, qkv []float32, t, d, heads int) {
	dh := d / heads
	scale := float32(1 / math.Sqrt(float64(dh)))
	stride := 3 * d
	q, kT, v := s.q[:t*dh], s.kT[:dh*t], s.v[:t*dh]
	scores, o := s.scores[:t*t], s.o[:t*dh]
	for h := range heads {
		for i := range t {
			row := qkv[i*stride : (i+1)*stride]
			for c, x := range row[h*dh : h*dh+dh] {
				q[i*dh+c] = x * scale
			}
			for c, x := range row[d+h*dh : d+h*dh+dh] {
				kT[c*t+i] = x
			}
			copy(v[i*dh:i*dh+dh], row[2*d+h*dh:2*d+h*dh+dh])
		}
		clear(scores)
		linalg.MatMulAdd(scores, q, kT, t, dh, t)
		for i := range t {
			softmax(scores[i*t : i*t+t])
		}
		clear(o)
		linalg.MatMulAdd(o, scores, v, t, t, dh)
		for i := range t {
			copy(ctx[i*ldc+h*dh:i*ldc+h*dh+dh], o[i*dh:i*dh+dh])
		}
	}
}

func softmax(p []float32) {
	peak := float32(math.Inf(-1))
	for _, x := range p {
		peak = max(peak, x)
	}
	var sum float32
	for j, x := range p {
		e := expf(x - peak)
		p[j] = e
		sum += e
	}
	r := 1 / sum
	for j := range p {
		p[j] *= r
	}
}

// feedForward adds the position-wise feed-forward block to x (t×512):
// x += relu(LN(x)·W1 + b1)·W2 + b2, each half of the inner channels in
// its own half.
func (l *layer) feedForward(s *scratch, x []float32, t int, parallel bool) {
	const width = modelWidth
	h := s.h[:t*width]
	layerNorm(h, x, t, width, l.ffnScale, l.ffnBias)
	runHalves(parallel, func(g int) {
		hw := &l.halves[g]
		ff := innerChannels(hw, &s.halves[g], h, t)
		relu(ff)
		linalg.MatMulAddPacked(l.halfOut(s, x, t, g, l.conv2B, true), ff, hw.conv2W, t)
	})
	addInto(x, s.halves[1].acc[:t*width])
}

// innerChannels returns this half's inner channels before the relu,
// h·W1 + b1, for the t rows of h.
func innerChannels(hw *half, hs *halfScratch, h []float32, t int) []float32 {
	ff := hs.ff[:t*ffnWidth/2]
	setRows(ff, hw.conv1B, t)
	linalg.MatMulAddPacked(ff, h, hw.conv1W, t)
	return ff
}

// pooledFeedForward writes to pooled the mean over the t rows of x after
// the feed-forward block, which is all the last layer's output is used
// for. The block's second product is linear, so it is applied once to the
// mean of relu(LN(x)·W1 + b1) instead of to each row: mean(x) +
// mean(relu(LN(x)·W1 + b1))·W2 + b2.
func (l *layer) pooledFeedForward(s *scratch, pooled, x []float32, t int, parallel bool) {
	const width = modelWidth
	h := s.h[:t*width]
	layerNorm(h, x, t, width, l.ffnScale, l.ffnBias)
	runHalves(parallel, func(g int) {
		hw, hs := &l.halves[g], &s.halves[g]
		ff := innerChannels(hw, hs, h, t)
		mean := hs.mean
		meanRelu(mean, ff, t)
		dst := hs.acc[:width]
		if g == 0 {
			meanRows(dst, x, t)
			addRows(dst, l.conv2B, 1)
		} else {
			clear(dst)
		}
		linalg.MatMulAddPacked(dst, mean, hw.conv2W, 1)
	})
	for j := range pooled {
		pooled[j] = s.halves[0].acc[j] + s.halves[1].acc[j]
	}
}

// meanRows writes to dst the mean of the t rows of m, each len(dst) wide.
func meanRows(dst, m []float32, t int) {
	n := len(dst)
	clear(dst)
	for i := range t {
		addInto(dst, m[i*n:i*n+n])
	}
	r := 1 / float32(t)
	for j := range dst {
		dst[j] *= r
	}
}

// meanRelu writes to dst the mean of relu over the t rows of m, each
// len(dst) wide.
func meanRelu(dst, m []float32, t int) {
	n := len(dst)
	clear(dst)
	for i := range t {
		for j, v := range m[i*n : i*n+n] {
			dst[j] += max(v, 0)
		}
	}
	r := 1 / float32(t)
	for j := range dst {
		dst[j] *= r
	}
}

// selfAttention adds the attention block to x (t×512), two heads in each
// half. in is the layer's input (t×l.width); for the first layer, whose
// input is narrower, the residual path is a learned projection of in
// rather than in itself, and x is overwritten.
func (l *layer) selfAttention(s *scratch, x, in []float32, t int, parallel bool) {
	d := l.width
	hd := d / 2
	h := s.h[:t*d]
	layerNorm(h, in, t, d, l.attnScale, l.attnBias)
	first := d < modelWidth
	if first {
		// Each half's output product also projects its half of in: put
		// that beside the attention output it will write.
		for g := range l.halves {
			cat := s.halves[g].cat
			for i := range t {
				copy(cat[i*d+hd:i*d+d], in[i*d+g*hd:i*d+g*hd+hd])
			}
		}
	}
	runHalves(parallel, func(g int) {
		hw, hs := &l.halves[g], &s.halves[g]
		qkv := hs.qkv[:t*3*hd]
		setRows(qkv, hw.qkvB, t)
		linalg.MatMulAddPacked(qkv, h, hw.qkvW, t)
		ldc := hw.outW.Rows()
		cat := hs.cat[:t*ldc]
		attention(hs, cat, ldc, qkv, t, hd, attentionHeads/2)
		linalg.MatMulAddPacked(l.halfOut(s, x, t, g, l.outB, !first), cat, hw.outW, t)
	})
	addInto(x, s.halves[1].acc[:t*modelWidth])
}

// halfOut prepares and returns where half g adds its t×512 result: the
// first half adds into x, after the block's bias (onto x's value when add
// is set, replacing it otherwise), the second into its own zeroed buffer,
// which the block then adds to x.
func (l *layer) halfOut(s *scratch, x []float32, t, g int, bias []float32, add bool) []float32 {
	if g == 1 {
		acc := s.halves[1].acc[:t*modelWidth]
		clear(acc)
		return acc
	}
	if add {
		addRows(x, bias, t)
	} else {
		setRows(x, bias, t)
	}
	return x
}

// runHalves runs f(0) and f(1), at the same time when parallel is set.
func runHalves(parallel bool, f func(g int)) {
	if !parallel {
		f(0)
		f(1)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { f(1) })
	f(0)
	wg.Wait()
}

// addInto adds src to dst element by element.
func addInto(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}
