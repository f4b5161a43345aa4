package matcher

import (
	"math"
	"math/rand/v2"
)

// mlp is a network with one hidden layer of rectified linear units between
// the sparse features and the softmax: unlike the linear models it can
// learn conjunctions ("top up" together with "pending" or "failed"). It is
// trained by AdaGrad SGD on the cross-entropy with dropout on the hidden
// units.
type mlp struct {
	dim, hid, k int
	w1          []float32 // dim x hid, row-major by feature
	b1          []float32
	w2          []float32 // hid x k
	b2          []float32
}

type mlpOptions struct {
	hidden  int
	epochs  int
	rate    float64
	dropout float64
	seed    uint64
}

// defaultMLP is the network the matcher blends: 128 hidden units, 12
// epochs at rate 0.05, half the hidden units dropped per update.
func defaultMLP(seed uint64) mlpOptions {
	return mlpOptions{hidden: 128, epochs: 12, rate: 0.05, dropout: 0.5, seed: seed}
}

func fitMLP(ex []example, dim, k int, o mlpOptions) *mlp {
	m := &mlp{dim: dim, hid: o.hidden, k: k,
		w1: make([]float32, dim*o.hidden), b1: make([]float32, o.hidden),
		w2: make([]float32, o.hidden*k), b2: make([]float32, k)}
	rng := rand.New(rand.NewPCG(o.seed, 0x3c1))
	for i := range m.w1 {
		m.w1[i] = float32((rng.Float64()*2 - 1) * 0.5)
	}
	r2 := math.Sqrt(6 / float64(o.hidden+k))
	for i := range m.w2 {
		m.w2[i] = float32((rng.Float64()*2 - 1) * r2)
	}
	if len(ex) == 0 {
		return m
	}
	g1 := make([]float32, len(m.w1))
	gb1 := make([]float32, len(m.b1))
	g2 := make([]float32, len(m.w2))
	gb2 := make([]float32, len(m.b2))
	h := make([]float32, o.hidden)
	dh := make([]float32, o.hidden)
	mask := make([]bool, o.hidden)
	z := make([]float64, k)
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	rate := float32(o.rate)
	scale := float32(1 / (1 - o.dropout))
	const eps = 1e-8
	upd := func(w, g *float32, d float32) {
		*g += d * d
		*w -= rate * d / float32(math.Sqrt(float64(*g)+eps))
	}
	for range o.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := ex[i]
			copy(h, m.b1)
			for _, f := range e.x {
				row := m.w1[int(f.idx)*m.hid : int(f.idx+1)*m.hid]
				for j, w := range row {
					h[j] += w * f.val
				}
			}
			for j := range h {
				mask[j] = h[j] > 0 && (o.dropout == 0 || rng.Float64() >= o.dropout)
				if mask[j] {
					h[j] *= scale
				} else {
					h[j] = 0
				}
			}
			for c := range z {
				z[c] = float64(m.b2[c])
			}
			for j, v := range h {
				if v == 0 {
					continue
				}
				row := m.w2[j*k : (j+1)*k]
				for c, w := range row {
					z[c] += float64(w * v)
				}
			}
			softmax(z, 1)
			z[e.y] -= 1
			clear(dh)
			for j, v := range h {
				if !mask[j] {
					continue
				}
				row := m.w2[j*k : (j+1)*k]
				grow := g2[j*k : (j+1)*k]
				var s float32
				for c := range row {
					d := float32(z[c])
					s += row[c] * d
					upd(&row[c], &grow[c], d*v)
				}
				dh[j] = s * scale
			}
			for c := range m.b2 {
				upd(&m.b2[c], &gb2[c], float32(z[c]))
			}
			for j, d := range dh {
				if d != 0 {
					upd(&m.b1[j], &gb1[j], d)
				}
			}
			for _, f := range e.x {
				row := m.w1[int(f.idx)*m.hid : int(f.idx+1)*m.hid]
				grow := g1[int(f.idx)*m.hid : int(f.idx+1)*m.hid]
				for j, d := range dh {
					if d != 0 {
						upd(&row[j], &grow[j], d*f.val)
					}
				}
			}
		}
	}
	return m
}

// scores writes the logits of x into out.
func (m *mlp) scores(x []feat, out []float64) {
	h := make([]float32, m.hid)
	copy(h, m.b1)
	for _, f := range x {
		if int(f.idx) >= m.dim {
			continue
		}
		row := m.w1[int(f.idx)*m.hid : int(f.idx+1)*m.hid]
		for j, w := range row {
			h[j] += w * f.val
		}
	}
	for c := range out[:m.k] {
		out[c] = float64(m.b2[c])
	}
	for j, v := range h {
		if v <= 0 {
			continue
		}
		row := m.w2[j*m.k : (j+1)*m.k]
		for c, w := range row {
			out[c] += float64(w * v)
		}
	}
}
