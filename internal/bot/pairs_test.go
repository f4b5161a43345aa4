package bot

import (
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
	var data []Pair
	stems := []string{"怎么还款", "能提前还吗", "额度多少", "利息怎么算", "逾期怎么办", "如何开通", "可以关闭吗", "为什么用不了"}
	for i, s := range stems {
		data = append(data,
			Pair{"花呗" + s, "花呗" + s + "呢", true},
			Pair{"借呗" + s, s + "借呗", true},
			Pair{"花呗" + s, "借呗" + s, false},
			Pair{"借呗" + s, "花呗" + stems[(i+1)%len(stems)], false},
		)
	}
	var train []Pair
	for range 20 {
		train = append(train, data...)
	}
	m := TrainPairs(train, Options{Epochs: 5, Rate: 0.1})
	r := EvaluatePairs(m, data)
	if r.Accuracy < 0.9 {
		t.Errorf("toy pair accuracy %.2f, want >= 0.9", r.Accuracy)
	}
	// With the dictionary the model groups the words and still learns.
	d, emb := sensesFixture(t)
	m = TrainPairs(train, Options{Epochs: 5, Rate: 0.1, Dictionary: d, Embedder: emb})
	if m.senses == nil || m.embed == nil || m.embed.senses == nil {
		t.Fatal("the dictionary was given but the pair model has no word groups")
	}
	if r := EvaluatePairs(m, data); r.Accuracy < 0.9 {
		t.Errorf("toy pair accuracy with word groups %.2f, want >= 0.9", r.Accuracy)
	}
	tr, te := SplitPairs(data, 0.25, 42)
	if len(tr) != 24 || len(te) != 8 {
		t.Errorf("SplitPairs %d/%d, want 24/8", len(tr), len(te))
	}
}
