package matcher

import (
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
)

// charNeighbour is the yardstick Evaluate measures the matcher against: a
// character TF-IDF nearest neighbour over the training questions (each
// question's lower-cased characters and character pairs, sublinear TF ×
// smoothed IDF, cosine). It is written apart from the matcher's features
// on purpose and used only to evaluate: a matcher that does not beat it
// has learnt nothing the characters of the examples do not already say.
type charNeighbour struct {
	labels []string
	idf    map[string]float64
	// postings maps a gram to the training questions that have it, with
	// the gram's weight in each (unit-length vectors).
	postings map[string][]posting
}

type posting struct {
	row int
	w   float64
}

// charGrams returns the counts of s's lower-cased characters and pairs of
// adjacent characters; runs of space and punctuation count as one space,
// and grams of only spaces are left out.
func charGrams(s string) map[string]float64 {
	var rs []rune
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
			space = false
		} else if !space {
			rs = append(rs, ' ')
			space = true
		}
	}
	g := map[string]float64{}
	for i, r := range rs {
		if r != ' ' {
			g[string(r)]++
		}
		if i+1 < len(rs) && (r != ' ' || rs[i+1] != ' ') {
			g[string(rs[i:i+2])]++
		}
	}
	return g
}

func newCharNeighbour(train []Labeled) *charNeighbour {
	n := &charNeighbour{idf: map[string]float64{}, postings: map[string][]posting{}}
	grams := make([]map[string]float64, len(train))
	df := map[string]int{}
	for i, t := range train {
		grams[i] = charGrams(t.Text)
		for g := range grams[i] {
			df[g]++
		}
		n.labels = append(n.labels, t.Label)
	}
	for g, d := range df {
		n.idf[g] = math.Log(float64(len(train)+1)/float64(d+1)) + 1
	}
	for i, gs := range grams {
		v := n.weigh(gs)
		for g, w := range v {
			n.postings[g] = append(n.postings[g], posting{i, w})
		}
	}
	return n
}

// weigh turns gram counts into a unit TF-IDF vector over the training
// grams (grams never seen in training carry no weight).
func (n *charNeighbour) weigh(gs map[string]float64) map[string]float64 {
	v := make(map[string]float64, len(gs))
	var ss float64
	for g, c := range gs {
		idf, ok := n.idf[g]
		if !ok {
			continue
		}
		w := (1 + math.Log(c)) * idf
		v[g] = w
		ss += w * w
	}
	for g := range v {
		v[g] /= math.Sqrt(ss)
	}
	return v
}

// nearest returns the label of the training question most similar to q
// ("" when q shares no gram with any); ties go to the earlier question.
func (n *charNeighbour) nearest(q string) string {
	v := n.weigh(charGrams(q))
	// In a fixed order, so that equal scores stay equal from run to run.
	sim := map[int]float64{}
	for _, g := range slices.Sorted(maps.Keys(v)) {
		for _, p := range n.postings[g] {
			sim[p.row] += v[g] * p.w
		}
	}
	best, bestSim := -1, 0.0
	for row, s := range sim {
		if s > bestSim || (s == bestSim && row < best) {
			best, bestSim = row, s
		}
	}
	if best < 0 {
		return ""
	}
	return n.labels[best]
}
