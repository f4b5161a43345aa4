package matcher

import (
	"math"

	"github.com/huiying/huiying/internal/linalg"
)

// neighbours scores each article by its training example closest to the
// question (cosine over the matcher's features). With one or two examples
// per article the classifiers have almost nothing to generalise from, and
// the nearest example is the better guide; with many, the blend learns how
// much to trust it.
type neighbours struct {
	labels []int
	sparse int32      // columns below are sparse (postings), from here dense
	posts  [][]nnPost // sparse column -> examples having it
	// dense holds the examples' sentence vectors (unit-scaled with the
	// rest of each vector) as a dims × examples matrix, multiplied by the
	// question's in one kernel call; nil without sentence vectors.
	dense *linalg.Packed
	dims  int
}

type nnPost struct {
	row int32
	val float32
}

// neighbourWeight is the nearest example's weight in the blend when it
// is not fitted (fewer than five examples per article): a cosine 0.1
// higher moves the logit by 0.6. Measured on the AFQMC FAQ sets (seed 42,
// the product's encoder on): 4 → 0.225 accuracy / ECE 0.17, 6 → 0.246 /
// 0.25, 10 → 0.243 / 0.36, 40 → 0.241 / 0.60: the weight that ranks best
// before confidences grow overconfident.
const neighbourWeight = 6

// fewExamples: the sentence vectors of an article's examples are compared
// with the question's only when it has fewer (as calibration needs five).
const fewExamples = 5

// denseFrom is the first column the neighbours leave out of a text's
// vector: none for English, whose sentence vector carries its meaning;
// for Chinese the sentence vector of its dictionary reading, which cost
// the neighbours 3 points of accuracy on the AFQMC FAQ sets (its words,
// characters and senses stay).
func (m *Matcher) denseFrom(han bool) int32 {
	if han {
		return int32(m.vec.dim())
	}
	return math.MaxInt32
}

// unit returns x's columns below off scaled to unit length.
func unit(x []feat, off int32) []feat {
	var n float64
	out := make([]feat, 0, len(x))
	for _, f := range x {
		if f.idx >= off {
			continue
		}
		out = append(out, f)
		n += float64(f.val) * float64(f.val)
	}
	if n == 0 {
		return out
	}
	inv := float32(1 / math.Sqrt(n))
	for i := range out {
		out[i].val *= inv
	}
	return out
}

func newNeighbours(ex []example, dim, k int, sparse int32, denseFrom func(han bool) int32) *neighbours {
	nn := &neighbours{labels: make([]int, len(ex)), sparse: sparse, posts: make([][]nnPost, sparse), dims: dim - int(sparse)}
	per := make([]int, k)
	for _, e := range ex {
		per[e.y]++
	}
	var w []float32 // dims × examples, row-major
	for i, e := range ex {
		nn.labels[i] = e.y
		for _, f := range unit(e.x, denseFrom(e.han)) {
			if f.idx >= sparse && per[e.y] >= fewExamples {
				// Articles with enough examples get the meaning of
				// their sentence vectors from the classifiers; reading
				// every example's vector per question costs more than
				// it adds (Banking77: p50 1.8 → 3.1 ms, accuracy equal).
				continue
			}
			if f.idx < sparse {
				nn.posts[f.idx] = append(nn.posts[f.idx], nnPost{int32(i), f.val})
				continue
			}
			if w == nil {
				w = make([]float32, nn.dims*len(ex))
			}
			w[int(f.idx-sparse)*len(ex)+i] = f.val
		}
	}
	if w != nil {
		nn.dense = linalg.Pack(w, nn.dims, len(ex))
	}
	return nn
}

// scores writes, for each article, the cosine of x with its closest
// example into out; columns from off on are left out of x.
func (nn *neighbours) scores(x []feat, off int32, out []float64) {
	sim := make([]float32, len(nn.labels))
	var q []float32
	for _, f := range unit(x, off) {
		switch {
		case f.idx < nn.sparse:
			for _, p := range nn.posts[f.idx] {
				sim[p.row] += f.val * p.val
			}
		case nn.dense != nil && int(f.idx-nn.sparse) < nn.dims:
			if q == nil {
				q = make([]float32, nn.dims)
			}
			q[f.idx-nn.sparse] = f.val
		}
	}
	if q != nil {
		linalg.MatMulAddPacked(sim, q, nn.dense, 1)
	}
	clear(out)
	for i, s := range sim {
		if c := nn.labels[i]; float64(s) > out[c] {
			out[c] = float64(s)
		}
	}
}
