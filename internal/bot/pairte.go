package bot

import (
	"math"
	"slices"
)

// Target statistics of what tells a pair's sides apart. For every
// substitution of the character alignment (花|借), every character and
// bigram only one side has, and every dictionary word only one side has,
// the training pairs say how often pairs that contain it mean the same.
// The trees get, per family, the smoothed rate of the key that most
// suggests "different", of the one that most suggests "same", and their
// mean: a pair is different when any one difference changes its meaning,
// which a sum of weights (the logistic regression) expresses poorly. The
// training rows' statistics leave out their own fold, as for the
// first-stage scores.
type pairStats struct {
	prior float64
	fams  [pairStatFams]map[string]statCount
}

type statCount struct{ pos, n float64 }

const (
	pairStatFams = 4
	// pairStatSmooth is the weight of the prior in a key's rate: a key
	// seen in n pairs, p of them positive, rates (p + a·prior) / (n + a).
	pairStatSmooth = 20.0
)

// pairTargetStats turns the statistics on for the trees (see docs/bot.md).
var pairTargetStats = true

// pairKeys returns the keys of a pair by family.
func (pm *PairModel) pairKeys(a, b string) [pairStatFams][]string {
	var k [pairStatFams][]string
	k[0] = substitutions(a, b)
	ga, gb := grams(a), grams(b)
	for n := 1; n <= 2; n++ {
		for g := range ga[n] {
			if !gb[n][g] {
				k[n] = append(k[n], g)
			}
		}
		for g := range gb[n] {
			if !ga[n][g] {
				k[n] = append(k[n], g)
			}
		}
		slices.Sort(k[n]) // the mean must not depend on map order
	}
	if pm.senses != nil {
		wa, wb := pm.senses.dict.Words(a), pm.senses.dict.Words(b)
		k[3] = append(unsharedWords(wa, wb), unsharedWords(wb, wa)...)
	}
	return k
}

func newPairStats(prior float64) *pairStats {
	s := &pairStats{prior: prior}
	for f := range s.fams {
		s.fams[f] = map[string]statCount{}
	}
	return s
}

// add counts one pair's keys with its label.
func (s *pairStats) add(keys *[pairStatFams][]string, same bool) {
	p := 0.0
	if same {
		p = 1
	}
	for f, ks := range keys {
		for _, k := range ks {
			c := s.fams[f][k]
			c.pos += p
			c.n++
			s.fams[f][k] = c
		}
	}
}

// features returns min, max and mean rate per family of keys, leaving out
// the counts in minus (nil: none).
func (s *pairStats) features(keys *[pairStatFams][]string, minus *pairStats) []float64 {
	out := make([]float64, 0, 3*pairStatFams)
	for f, ks := range keys {
		lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
		for _, k := range ks {
			c := s.fams[f][k]
			if minus != nil {
				m := minus.fams[f][k]
				c.pos -= m.pos
				c.n -= m.n
			}
			r := (c.pos + pairStatSmooth*s.prior) / (c.n + pairStatSmooth)
			lo, hi, sum = math.Min(lo, r), math.Max(hi, r), sum+r
		}
		if len(ks) == 0 {
			lo, hi, sum = s.prior, s.prior, s.prior
		} else {
			sum /= float64(len(ks))
		}
		out = append(out, lo, hi, sum)
	}
	return out
}
