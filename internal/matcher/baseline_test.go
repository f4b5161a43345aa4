package matcher

import "testing"

func TestCharGrams(t *testing.T) {
	g := charGrams("花呗 OK?!")
	want := map[string]float64{"花": 1, "呗": 1, "o": 1, "k": 1, "花呗": 1, "呗 ": 1, " o": 1, "ok": 1, "k ": 1}
	if len(g) != len(want) {
		t.Errorf("charGrams = %v, want %v", g, want)
	}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("charGrams[%q] = %v, want %v (all: %v)", k, g[k], v, g)
		}
	}
}

// The baseline finds the training question that shares the most (and the
// rarest) characters, and nothing for a question that shares none.
func TestCharNeighbour(t *testing.T) {
	n := newCharNeighbour([]Labeled{
		{"花呗怎么还款", "repay"}, {"借呗额度怎么提升", "limit"}, {"my card has not arrived", "card"}, {"reset my pin", "pin"},
	})
	for q, want := range map[string]string{
		"花呗如何还款":                   "repay",
		"借呗的额度":                    "limit",
		"when will my card arrive": "card",
		"forgot pin":               "pin",
		"???":                      "",
		"qqq":                      "",
	} {
		if got := n.nearest(q); got != want {
			t.Errorf("nearest(%q) = %q, want %q", q, got, want)
		}
	}
}

// Evaluate reports top-3 and the baseline beside top-1.
func TestEvaluateTop3AndBaseline(t *testing.T) {
	train := []Labeled{
		{"my card has not arrived", "card"}, {"when will my card come", "card"},
		{"reset my pin", "pin"}, {"forgot my pin code", "pin"},
		{"top up failed", "topup"}, {"adding money did not work", "topup"},
		{"exchange rate today", "fx"}, {"what rate do you use to convert", "fx"},
	}
	test := []Labeled{{"my card has not arrived yet", "card"}, {"pin forgot", "pin"}, {"zzzz qqqq", "fx"}}
	m := Train(Articles(train), Options{NoEncoder: true})
	r := Evaluate(m, train, test)
	if r.N != 3 || r.Top3 < r.Accuracy || r.Top3 > 1 {
		t.Errorf("report %+v: want n 3 and accuracy <= top3 <= 1", r)
	}
	if r.Accuracy < 0.66 {
		t.Errorf("accuracy %v, want the two answerable questions right", r.Accuracy)
	}
	// The baseline gets the two questions that share characters with
	// their article's examples and misses the one that shares none.
	if r.BaselineAccuracy < 0.66 || r.BaselineAccuracy > 0.67 {
		t.Errorf("baseline accuracy %v, want 2/3", r.BaselineAccuracy)
	}
}
