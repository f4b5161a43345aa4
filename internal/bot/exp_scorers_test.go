package bot

// Scorers measured as parts of the blend and not kept (see docs/bot.md);
// the experiment harness can still train them.

import "math"

// neighbours scores a question by its cosine similarity to the training
// examples of each class: the class score is the similarity of the class's
// nearest example. It is a different kind of evidence from the linear
// models (one very close paraphrase counts even when the class's other
// examples disagree), but on Banking77 it is much weaker (0.77) and adds
// nothing to the blend.
type neighbours struct {
	k     int
	label []int32
	norm  []float32
	post  [][]posting // by feature column
}

type posting struct {
	ex  int32
	val float32
}

func newNeighbours(ex []example, dim, k int) *neighbours {
	nb := &neighbours{k: k, label: make([]int32, len(ex)), norm: make([]float32, len(ex)), post: make([][]posting, dim)}
	cnt := make([]int, dim)
	for _, e := range ex {
		for _, f := range e.x {
			cnt[f.idx]++
		}
	}
	for j, c := range cnt {
		nb.post[j] = make([]posting, 0, c)
	}
	for i, e := range ex {
		nb.label[i] = int32(e.y)
		var s float64
		for _, f := range e.x {
			s += float64(f.val) * float64(f.val)
			nb.post[f.idx] = append(nb.post[f.idx], posting{int32(i), f.val})
		}
		nb.norm[i] = float32(math.Sqrt(s))
	}
	return nb
}

// scores writes each class's best cosine similarity to x into out.
func (nb *neighbours) scores(x []feat, out []float64) {
	sim := make([]float32, len(nb.label))
	var qn float64
	for _, f := range x {
		qn += float64(f.val) * float64(f.val)
		if int(f.idx) >= len(nb.post) {
			continue
		}
		for _, p := range nb.post[f.idx] {
			sim[p.ex] += p.val * f.val
		}
	}
	clear(out[:nb.k])
	if qn == 0 {
		return
	}
	q := float32(1 / math.Sqrt(qn))
	for i, s := range sim {
		if s == 0 {
			continue
		}
		v := float64(s * q / nb.norm[i])
		if c := nb.label[i]; v > out[c] {
			out[c] = v
		}
	}
}

// centroids returns the linear scorer whose class scores are the cosine
// of x with the L2-normalised mean of the class's examples (Rocchio).
func centroids(ex []example, dim, k int) *model {
	md := &model{w: make([]float32, dim*k), b: make([]float32, k)}
	sum := make([]float64, dim*k)
	for _, e := range ex {
		for _, f := range e.x {
			sum[int(f.idx)*k+e.y] += float64(f.val)
		}
	}
	norm := make([]float64, k)
	for j, v := range sum {
		norm[j%k] += v * v
	}
	for j, v := range sum {
		if n := norm[j%k]; n > 0 {
			md.w[j] = float32(v / math.Sqrt(n))
		}
	}
	return md
}

// fitNBSVM is fitSVM on features scaled, for each class, by their naive
// Bayes log-count ratio (Wang and Manning's NB-SVM): a feature's value is
// multiplied by how much more often it occurs in the class than outside
// it, so the SVM starts from the evidence naive Bayes would use.
func fitNBSVM(ex []example, dim, k int, c float64, seed uint64) *model {
	// Per class summed feature values, and in total.
	in := make([]float64, dim*k)
	all := make([]float64, dim)
	for _, e := range ex {
		for _, f := range e.x {
			in[int(f.idx)*k+e.y] += float64(f.val)
			all[f.idx] += float64(f.val)
		}
	}
	const alpha = 1.0
	return fitScaledSVM(ex, dim, k, c, seed, func(cls int, r []float64) {
		var np, nq float64
		for j := range r {
			p := in[j*k+cls]
			np += p + alpha
			nq += all[j] - p + alpha
		}
		for j := range r {
			p := in[j*k+cls]
			r[j] = math.Log((p+alpha)/np) - math.Log((all[j]-p+alpha)/nq)
		}
	})
}
