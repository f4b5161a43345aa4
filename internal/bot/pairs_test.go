package bot

import (
	"math"
	"strings"
	"testing"
)

func TestParsePairs(t *testing.T) {
	in := `{"sentence1": "花呗怎么还", "sentence2": "怎么还花呗", "label": "1"}
{"sentence1": "a", "sentence2": "b", "label": 0}

`
	ps, err := ParsePairs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || !ps[0].Same || ps[1].Same || ps[0].A != "花呗怎么还" {
		t.Errorf("ParsePairs = %+v", ps)
	}
	if _, err := ParsePairs(strings.NewReader(`{"sentence1":"a","sentence2":"b","label":"x"}`)); err == nil {
		t.Error("bad label accepted")
	}
}

// TestPairsToy: pairs that differ in 花/借 mean different things, pairs
// that only reorder mean the same; the model must learn it.
func TestPairsToy(t *testing.T) {
	data, train := toyPairs(false, 20)
	m := TrainPairs(train, Options{Epochs: 5, Rate: 0.1})
	r := EvaluatePairs(m, data)
	if r.Accuracy < 0.9 {
		t.Errorf("toy pair accuracy %.2f, want >= 0.9", r.Accuracy)
	}
	// With the dictionary the model groups the words and still learns.
	d, emb := sensesFixture(t)
	m = TrainPairs(train, Options{Epochs: 5, Rate: 0.1, Dictionary: d, Embedder: emb})
	if len(m.bags) != pairBags {
		t.Fatalf("%d models averaged, want %d", len(m.bags), pairBags)
	}
	if one := m.bags[1]; one.senses == nil || one.embed == nil || one.embed.senses == nil || one.senses != m.senses {
		t.Fatal("the dictionary was given but the pair models do not share word groups")
	}
	if r := EvaluatePairs(m, data); r.Accuracy < 0.9 {
		t.Errorf("toy pair accuracy with word groups %.2f, want >= 0.9", r.Accuracy)
	}
	tr, te := SplitPairs(data, 0.25, 42)
	if len(tr) != 24 || len(te) != 8 {
		t.Errorf("SplitPairs %d/%d, want 24/8", len(tr), len(te))
	}
}

// TestPairBags: the averaged models are trained on other orders of the
// pairs, their mean is the probability, and training is deterministic.
func TestPairBags(t *testing.T) {
	data, train := toyPairs(true, 12)
	m := TrainPairs(train, Options{Epochs: 2, Rate: 0.1, PairBags: 3})
	again := TrainPairs(train, Options{Epochs: 2, Rate: 0.1, PairBags: 3})
	if len(m.bags) != 3 {
		t.Fatalf("%d models, want 3", len(m.bags))
	}
	differ := false
	for _, p := range data {
		var sum float64
		for _, b := range m.bags {
			sum += b.Prob(p.A, p.B)
		}
		if got, want := m.Prob(p.A, p.B), sum/3; math.Abs(got-want) > 1e-12 {
			t.Errorf("Prob(%s, %s) = %v, want the mean %v", p.A, p.B, got, want)
		}
		if got, want := again.Prob(p.A, p.B), m.Prob(p.A, p.B); got != want {
			t.Errorf("retrained Prob(%s, %s) = %v, was %v", p.A, p.B, got, want)
		}
		if m.bags[0].Prob(p.A, p.B) != m.bags[2].Prob(p.A, p.B) {
			differ = true
		}
	}
	if !differ {
		t.Error("the averaged models all give the same probabilities: they did not see other orders")
	}
	if one := TrainPairs(train, Options{Epochs: 2, Rate: 0.1, PairBags: 1}); one.bags != nil || one.trees == nil {
		t.Error("PairBags 1 did not train a single model")
	}
}

// toyPairs returns pairs that differ in 花/借 (different) or only reorder
// (same), with noisy 余额宝/花呗 pairs when noisy, and train: them
// repeated times.
func toyPairs(noisy bool, times int) (data, train []Pair) {
	stems := []string{"怎么还款", "能提前还吗", "额度多少", "利息怎么算", "逾期怎么办", "如何开通", "可以关闭吗", "为什么用不了"}
	for i, s := range stems {
		data = append(data,
			Pair{"花呗" + s, "花呗" + s + "呢", true},
			Pair{"借呗" + s, s + "借呗", true},
			Pair{"花呗" + s, "借呗" + s, false},
			Pair{"借呗" + s, "花呗" + stems[(i+1)%len(stems)], false},
		)
		if noisy {
			data = append(data, Pair{"余额宝" + s, "花呗" + s, i%2 == 0})
		}
	}
	for range times {
		train = append(train, data...)
	}
	return data, train
}

// TestPairStats: a difference seen only in different pairs rates below
// the prior, one seen in same pairs above, and leaving out a fold's counts
// leaves a pair's own label out of its features.
func TestPairStats(t *testing.T) {
	pm := &PairModel{}
	s := newPairStats(0.5)
	fold := newPairStats(0.5)
	diff := pm.pairKeys("花呗怎么还款", "借呗怎么还款") // 花|借
	same := pm.pairKeys("花呗怎么还款", "花呗如何还款") // 怎么|如何
	if len(diff[0]) != 1 || diff[0][0] != "借|花" || len(diff[1]) != 2 {
		t.Fatalf("keys %v", diff)
	}
	for range 30 {
		s.add(&diff, false)
		s.add(&same, true)
	}
	fold.add(&same, true)
	fd, fs := s.features(&diff, nil), s.features(&same, nil)
	if len(fd) != 3*pairStatFams {
		t.Fatalf("%d features, want %d", len(fd), 3*pairStatFams)
	}
	// (0 + 20·0.5) / (30 + 20) = 0.2; (30 + 10) / 50 = 0.8.
	if math.Abs(fd[0]-0.2) > 1e-9 || math.Abs(fs[1]-0.8) > 1e-9 {
		t.Errorf("substitution rates %v (different) and %v (same), want 0.2 and 0.8", fd[:3], fs[:3])
	}
	// Without one of the 30 same pairs: (29 + 10) / 49.
	if got := s.features(&same, fold)[0]; math.Abs(got-39.0/49) > 1e-9 {
		t.Errorf("rate leaving a fold out %v, want %v", got, 39.0/49)
	}
	// No differences at all: the prior.
	none := pm.pairKeys("花呗怎么还款", "花呗怎么还款")
	for i, v := range s.features(&none, nil) {
		if v != 0.5 {
			t.Errorf("identical pair feature %d = %v, want the prior 0.5", i, v)
		}
	}
}
