package bot

import (
	"math"
	"math/rand/v2"
	"sort"
)

// gbdt is a gradient-boosted ensemble of regression trees for a binary
// label under the logistic loss (second-order boosting, as in XGBoost and
// LightGBM, over features cut into at most gbdtBins quantile bins). It
// turns a handful of dense pair features (lengths, overlaps, edit
// distance, mismatches) into a probability, learning thresholds and
// interactions a logistic layer cannot.
type gbdt struct {
	base  float64
	trees [][]treeNode
}

type treeNode struct {
	feat        int     // -1 for a leaf
	thr         float64 // go left when x[feat] <= thr
	left, right int32
	value       float64 // leaf output
}

type gbdtOptions struct {
	trees    int
	depth    int
	rate     float64
	lambda   float64 // L2 on leaf values
	minChild float64 // least hessian in a leaf
	// subsample and colsample, below 1, grow each tree on that share of
	// the rows and of the features, drawn with seed (stochastic boosting).
	subsample, colsample float64
	seed                 uint64
}

const gbdtBins = 64

// fitGBDT boosts trees on rows x (all the same length) with labels y.
func fitGBDT(x [][]float64, y []bool, o gbdtOptions) *gbdt {
	n := len(x)
	g := &gbdt{}
	if n == 0 {
		return g
	}
	nf := len(x[0])
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	p0 := (float64(pos) + 1) / (float64(n) + 2)
	g.base = math.Log(p0 / (1 - p0))
	// Quantile bin edges per feature; bins[f][i] is row i's bin.
	edges := make([][]float64, nf)
	bins := make([][]uint8, nf)
	vals := make([]float64, n)
	for f := range nf {
		for i := range x {
			vals[i] = x[i][f]
		}
		sort.Float64s(vals)
		var e []float64
		for b := 1; b < gbdtBins; b++ {
			v := vals[b*n/gbdtBins]
			if len(e) == 0 || v > e[len(e)-1] {
				e = append(e, v)
			}
		}
		// Drop an edge equal to the maximum: nothing lies above it.
		if len(e) > 0 && e[len(e)-1] >= vals[n-1] {
			e = e[:len(e)-1]
		}
		edges[f] = e
		bins[f] = make([]uint8, n)
		for i := range x {
			bins[f][i] = uint8(sort.SearchFloat64s(e, x[i][f])) // first edge >= x: x <= e[b]
		}
	}
	f := make([]float64, n)
	for i := range f {
		f[i] = g.base
	}
	grad := make([]float64, n)
	hess := make([]float64, n)
	rows := make([]int32, 0, n)
	rng := rand.New(rand.NewPCG(o.seed, 0x9b))
	for range o.trees {
		for i := range n {
			p := 1 / (1 + math.Exp(-f[i]))
			t := 0.0
			if y[i] {
				t = 1
			}
			grad[i], hess[i] = p-t, math.Max(p*(1-p), 1e-6)
		}
		rows = rows[:0]
		for i := range n {
			if o.subsample <= 0 || o.subsample >= 1 || rng.Float64() < o.subsample {
				rows = append(rows, int32(i))
			}
		}
		b := treeBuilder{bins: bins, edges: edges, grad: grad, hess: hess, o: o}
		if o.colsample > 0 && o.colsample < 1 {
			b.skip = make([]bool, nf)
			for f := range nf {
				b.skip[f] = rng.Float64() >= o.colsample
			}
		}
		b.grow(rows, 0)
		for i := range n {
			f[i] += treeValue(b.nodes, x[i])
		}
		g.trees = append(g.trees, b.nodes)
	}
	return g
}

type treeBuilder struct {
	bins       [][]uint8
	edges      [][]float64
	grad, hess []float64
	o          gbdtOptions
	skip       []bool // features this tree may not split on (nil: none)
	nodes      []treeNode
}

// grow adds the subtree for rows and returns its index.
func (b *treeBuilder) grow(rows []int32, depth int) int32 {
	var sg, sh float64
	for _, r := range rows {
		sg += b.grad[r]
		sh += b.hess[r]
	}
	id := int32(len(b.nodes))
	b.nodes = append(b.nodes, treeNode{feat: -1, value: -sg / (sh + b.o.lambda) * b.o.rate})
	if depth >= b.o.depth || sh < 2*b.o.minChild {
		return id
	}
	parent := sg * sg / (sh + b.o.lambda)
	bestGain, bestF, bestBin := 1e-9, -1, 0
	var hg, hh [gbdtBins]float64
	for f, col := range b.bins {
		nb := len(b.edges[f]) + 1
		if nb < 2 || b.skip != nil && b.skip[f] {
			continue
		}
		clear(hg[:])
		clear(hh[:])
		for _, r := range rows {
			hg[col[r]] += b.grad[r]
			hh[col[r]] += b.hess[r]
		}
		var lg, lh float64
		for bin := 0; bin < nb-1; bin++ {
			lg += hg[bin]
			lh += hh[bin]
			rg, rh := sg-lg, sh-lh
			if lh < b.o.minChild || rh < b.o.minChild {
				continue
			}
			gain := lg*lg/(lh+b.o.lambda) + rg*rg/(rh+b.o.lambda) - parent
			if gain > bestGain {
				bestGain, bestF, bestBin = gain, f, bin
			}
		}
	}
	if bestF < 0 {
		return id
	}
	col := b.bins[bestF]
	var l, r []int32
	for _, row := range rows {
		if int(col[row]) <= bestBin {
			l = append(l, row)
		} else {
			r = append(r, row)
		}
	}
	li := b.grow(l, depth+1)
	ri := b.grow(r, depth+1)
	b.nodes[id] = treeNode{feat: bestF, thr: b.edges[bestF][bestBin], left: li, right: ri}
	return id
}

func treeValue(nodes []treeNode, x []float64) float64 {
	i := int32(0)
	for {
		nd := &nodes[i]
		if nd.feat < 0 {
			return nd.value
		}
		if x[nd.feat] <= nd.thr {
			i = nd.left
		} else {
			i = nd.right
		}
	}
}

// prob is the probability of the positive label for x.
func (g *gbdt) prob(x []float64) float64 {
	z := g.base
	for _, t := range g.trees {
		z += treeValue(t, x)
	}
	return 1 / (1 + math.Exp(-z))
}
