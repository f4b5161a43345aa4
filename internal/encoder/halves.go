package encoder

import (
	"fmt"

	"github.com/huiying/huiying/internal/linalg"
)

// Each layer's work is split in two halves that share nothing until their
// results are added: the attention block by heads (two of the four per
// half) and the feed-forward block by its 1536 inner channels (768 per
// half). So a long text's layer runs on two cores with one hand-off per
// block, and a short one runs the halves one after the other.

// half holds one half of a layer's weights, packed for MatMulAddPacked.
type half struct {
	// qkvW (width × 3·width/2) gives this half's heads' queries, keys and
	// values side by side; qkvB is their bias.
	qkvW *linalg.Packed
	qkvB []float32
	// outW maps this half's attention output (width/2 channels), followed in
	// the first layer by its share of the layer input (width/2 channels, the
	// residual projection), to the 512-wide stream.
	outW *linalg.Packed
	// conv1W (512 × 768) and conv1B are this half's inner channels; conv2W
	// (768 × 512) maps them back.
	conv1W *linalg.Packed
	conv1B []float32
	conv2W *linalg.Packed
}

// halfScratch is one half's working memory, sized for the longest input.
type halfScratch struct {
	qkv, cat, ff []float32
	// acc receives the second half's contribution to the stream (the
	// first half adds its own straight into it) or, in the last layer,
	// each half's share of the pooled output.
	acc []float32
	// mean is the last layer's inner channels averaged over the tokens.
	mean []float32
	// attention, one head at a time
	q, kT, v, scores, o []float32
}

func newHalfScratch(t int) halfScratch {
	const hw = modelWidth / 2
	return halfScratch{
		qkv:    make([]float32, t*3*hw),
		cat:    make([]float32, t*modelWidth),
		ff:     make([]float32, t*ffnWidth/2),
		acc:    make([]float32, t*modelWidth),
		mean:   make([]float32, ffnWidth/2),
		q:      make([]float32, t*maxHeadWidth),
		kT:     make([]float32, t*maxHeadWidth),
		v:      make([]float32, t*maxHeadWidth),
		scores: make([]float32, t*t),
		o:      make([]float32, t*maxHeadWidth),
	}
}

// loadLayer reads layer i's tensors and splits them into halves.
func loadLayer(g *getter, i int) layer {
	d := modelWidth
	if i == 0 {
		d = embedWidth
	}
	p := fmt.Sprintf("l%d.", i)
	l := layer{
		width:     d,
		attnScale: g.get(p+"attn.ln.scale", d),
		attnBias:  g.get(p+"attn.ln.bias", d),
		ffnScale:  g.get(p+"ffn.ln.scale", modelWidth),
		ffnBias:   g.get(p+"ffn.ln.bias", modelWidth),
		outB:      g.get(p+"attn.out.b", modelWidth),
		conv2B:    g.get(p+"ffn.conv2.b", modelWidth),
	}
	qkvW, qkvB := g.get(p+"attn.qkv.w", d, 3*d), g.get(p+"attn.qkv.b", 3*d)
	outW := g.get(p+"attn.out.w", d, modelWidth)
	var resW []float32
	if i == 0 {
		resW = g.get(p+"residual.w", embedWidth, modelWidth)
		resB := g.get(p+"residual.b", modelWidth)
		if g.err == nil {
			// Both biases start the stream: fold them into one.
			b := make([]float32, modelWidth)
			for j := range b {
				b[j] = l.outB[j] + resB[j]
			}
			l.outB = b
		}
	}
	conv1W, conv1B := g.get(p+"ffn.conv1.w", modelWidth, ffnWidth), g.get(p+"ffn.conv1.b", ffnWidth)
	conv2W := g.get(p+"ffn.conv2.w", ffnWidth, modelWidth)
	if g.err != nil {
		return l
	}
	hw, inner := d/2, ffnWidth/2
	for h := range l.halves {
		// Query, key and value columns of this half's heads, each a
		// contiguous run of hw columns in its third of qkvW.
		var cols []int
		for part := range 3 {
			for c := range hw {
				cols = append(cols, part*d+h*hw+c)
			}
		}
		out := rows(outW, modelWidth, h*hw, hw)
		if resW != nil {
			out = append(out, rows(resW, modelWidth, h*hw, hw)...)
		}
		var ffCols []int
		for c := range inner {
			ffCols = append(ffCols, h*inner+c)
		}
		l.halves[h] = half{
			qkvW:   linalg.Pack(columns(qkvW, 3*d, cols), d, len(cols)),
			qkvB:   columns(qkvB, 3*d, cols),
			outW:   linalg.Pack(out, len(out)/modelWidth, modelWidth),
			conv1W: linalg.Pack(columns(conv1W, ffnWidth, ffCols), modelWidth, inner),
			conv1B: columns(conv1B, ffnWidth, ffCols),
			conv2W: linalg.Pack(rows(conv2W, modelWidth, h*inner, inner), inner, modelWidth),
		}
	}
	return l
}

// columns returns the given columns of the row-major matrix m (n wide).
func columns(m []float32, n int, cols []int) []float32 {
	k := len(m) / n
	out := make([]float32, 0, k*len(cols))
	for r := range k {
		for _, c := range cols {
			out = append(out, m[r*n+c])
		}
	}
	return out
}

// rows returns a copy of count rows of m (n wide) from row first on.
func rows(m []float32, n, first, count int) []float32 {
	return append([]float32(nil), m[first*n:(first+count)*n]...)
}
