package matcher

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

const banking77 = "../../../shared/data/banking77/train.csv"

func TestCoverageAtPrecision(t *testing.T) {
	// Sorted by confidence: R R R R W R R R R W  (R right, W wrong).
	conf := []float64{0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.90}
	right := []bool{true, true, true, true, false, true, true, true, true, false}
	// Prefix precisions: 1,1,1,1,.8,.83,.86,.875,.89,.8 -> the best
	// prefix with precision >= 0.95 is the first four.
	if got := CoverageAtPrecision(conf, right, 0.95); got != 0.4 {
		t.Errorf("coverage at 95%% = %v, want 0.4", got)
	}
	// At 80% precision all ten qualify.
	if got := CoverageAtPrecision(conf, right, 0.8); got != 1 {
		t.Errorf("coverage at 80%% = %v, want 1", got)
	}
	// Order of input does not matter.
	conf2 := slices.Clone(conf)
	right2 := slices.Clone(right)
	slices.Reverse(conf2)
	slices.Reverse(right2)
	if got := CoverageAtPrecision(conf2, right2, 0.95); got != 0.4 {
		t.Errorf("reversed: coverage = %v, want 0.4", got)
	}
	// Ties cannot be split by a threshold: R R W tied at 0.9 after one R.
	if got := CoverageAtPrecision([]float64{1, 0.9, 0.9, 0.9}, []bool{true, true, true, false}, 0.95); got != 0.25 {
		t.Errorf("ties: coverage = %v, want 0.25", got)
	}
	if got := CoverageAtPrecision([]float64{0.5}, []bool{false}, 0.95); got != 0 {
		t.Errorf("all wrong: coverage = %v, want 0", got)
	}
	if got := CoverageAtPrecision(nil, nil, 0.95); got != 0 {
		t.Errorf("empty: coverage = %v, want 0", got)
	}
}

func TestNormalizeAndFeatures(t *testing.T) {
	if got := normalize("  Where's MY card?!  "); got != "wheres my card" {
		t.Errorf("normalize = %q", got)
	}
	c := map[uint32]float64{}
	groups := func() (n [numGroup]int) {
		for h := range c {
			n[h>>grpShift]++
		}
		return n
	}
	rawCounts("花呗还款", c)
	// Han: 4 characters + 3 pairs; words: 花呗, 还款 (lex.Words); senses:
	// the English words of their first two definitions.
	if n := groups(); n[0] != 2 || n[1] != 0 || n[2] != 7 || n[3] == 0 {
		t.Errorf("Han features per group (word, char, Han, sense) = %v, want [2 0 7 >0]", n)
	}
	for _, e := range []string{"repay", "repayment"} {
		if c[hashStr(nsSense, e)|grpSense] == 0 && e == "repayment" && c[hashStr(nsSense, "repay")|grpSense] == 0 {
			t.Errorf("no sense feature for 还款 (%q or %q)", "repay", "repayment")
		}
	}
	for _, w := range []string{"花呗", "还款"} {
		if c[hashStr(nsWord, w)|grpWord] != 1 {
			t.Errorf("no word feature for %q", w)
		}
	}
	clear(c)
	rawCounts("花呗怎么还款", c) // 怎么 is a stop word: no word feature
	if n := groups(); n[0] != 2 || c[hashStr(nsWord, "怎么")|grpWord] != 0 {
		t.Errorf("word features of 花呗怎么还款 = %d (怎么: %v), want 2 without 怎么", n[0], c[hashStr(nsWord, "怎么")|grpWord])
	}
	clear(c)
	rawCounts("花呗 ok", c)
	// Words: 花呗, ok; chars: " ok", "ok ", " ok ".
	if n := groups(); n[0] != 2 || n[1] != 3 {
		t.Errorf("mixed text: %d word and %d char features, want 2 and 3", n[0], n[1])
	}
	// English text has no Han words: its features are as before.
	clear(c)
	rawCounts("my card", c)
	if n := groups(); n != [numGroup]int{3, 12, 0} {
		t.Errorf("English features per group = %v, want [3 12 0]", n)
	}
}

func TestMatchToy(t *testing.T) {
	arts := []Article{
		{ID: "card", Examples: []string{"my card has not arrived", "when will my card arrive", "card delivery status", "still waiting for my card"}},
		{ID: "pin", Examples: []string{"how do I change my pin", "reset my pin", "forgot my pin number", "pin is blocked"}},
		{ID: "花呗", Examples: []string{"花呗怎么还款", "花呗还款日期", "花呗能提前还款吗", "怎么还花呗"}},
	}
	m := Train(arts, Options{})
	for q, want := range map[string]string{
		"my card still has not arrived": "card",
		"I forgot the pin":              "pin",
		"花呗如何还款":                        "花呗",
	} {
		c := m.Match(q, 2)
		if len(c) != 2 {
			t.Fatalf("Match(%q) returned %d candidates", q, len(c))
		}
		if c[0].ArticleID != want {
			t.Errorf("Match(%q) = %+v, want %s first", q, c, want)
		}
		if c[0].Score < c[1].Score || c[0].Confidence < c[1].Confidence {
			t.Errorf("Match(%q) not ranked: %+v", q, c)
		}
		if c[0].Confidence <= 0 || c[0].Confidence > 1 {
			t.Errorf("Match(%q) confidence %v outside (0,1]", q, c[0].Confidence)
		}
	}
	if all := m.Match("anything", 0); len(all) != 3 {
		t.Errorf("Match(k=0) = %d candidates, want 3", len(all))
	}
	if got := Train(nil, Options{}).Match("x", 1); got != nil {
		t.Errorf("empty matcher matched %v", got)
	}
}

func TestTrainDeterministic(t *testing.T) {
	arts := []Article{
		{ID: "a", Examples: []string{"one two", "two three", "three four"}},
		{ID: "b", Examples: []string{"five six", "six seven", "seven eight"}},
	}
	o := Options{Uncalibrated: true, NoEncoder: true}.withDefaults()
	m1, m2 := train(arts, o), train(arts, o)
	if len(m1.members) != len(m2.members) {
		t.Fatal("two trainings have different ensembles")
	}
	for i := range m1.members {
		if !slices.Equal(m1.members[i].w, m2.members[i].w) || !slices.Equal(m1.members[i].b, m2.members[i].b) {
			t.Error("two trainings with the same seed differ")
		}
	}
	if m1.svm == nil || m1.mlp == nil {
		t.Fatal("the SVM and the network are not trained")
	}
	if !slices.Equal(m1.svm.w, m2.svm.w) || !slices.Equal(m1.mlp.w1, m2.mlp.w1) || !slices.Equal(m1.mlp.w2, m2.mlp.w2) {
		t.Error("two trainings with the same seed give different SVMs or networks")
	}
	o.Uncalibrated = false
	c1, c2 := train(arts, o), train(arts, o)
	if !slices.Equal(c1.blend, c2.blend) {
		t.Errorf("blend weights differ: %v and %v", c1.blend, c2.blend)
	}
}

func TestFitTemperature(t *testing.T) {
	// Logits that are far too confident: class 0 always has logit 4 and
	// is right only 60% of the time; the fitted temperature must soften.
	var logits [][]float64
	var ys []int
	for i := range 100 {
		logits = append(logits, []float64{4, 0})
		ys = append(ys, map[bool]int{true: 0, false: 1}[i%5 < 3])
	}
	temp := fitTemperature(logits, ys)
	p := []float64{4, 0}
	softmax(p, temp)
	if math.Abs(p[0]-0.6) > 0.01 {
		t.Errorf("temperature %v gives confidence %v, want 0.6", temp, p[0])
	}
}

func TestParseCSVAndSplit(t *testing.T) {
	in := "text,category\r\n\"Hi, card?\",card\r\nb,card\r\nc,pin\r\nd,pin\r\ne,pin\r\n"
	data, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 5 || data[0] != (Labeled{"Hi, card?", "card"}) {
		t.Fatalf("ParseCSV = %q", data)
	}
	tr, te := StratifiedSplit(data, 0.34, 42)
	if len(tr)+len(te) != 5 || len(te) != 2 {
		t.Fatalf("split %d/%d, want 3/2", len(tr), len(te))
	}
	tr2, te2 := StratifiedSplit(data, 0.34, 42)
	if !slices.Equal(tr, tr2) || !slices.Equal(te, te2) {
		t.Error("split not deterministic")
	}
	if a := Articles(data); len(a) != 2 || a[1].ID != "pin" || len(a[1].Examples) != 3 {
		t.Errorf("Articles = %+v", a)
	}
}

func loadBanking77(tb testing.TB) []Labeled {
	tb.Helper()
	if _, err := os.Stat(banking77); err != nil {
		tb.Skipf("no Banking77 data: %v", err)
	}
	data, err := ReadCSV(banking77)
	if err != nil {
		tb.Fatal(err)
	}
	if len(data) != 10003 {
		tb.Fatalf("read %d rows, want 10003", len(data))
	}
	return data
}

// banking77Subset holds the rows of the first 20 categories of Banking77's
// train set, in their order (testdata/SOURCES.md), so the test runs without
// the shared data.
const banking77Subset = "testdata/banking77_20.csv"

// TestBanking77Subset trains on the first 20 categories of Banking77 and
// checks accuracy and coverage on a stratified 10% split.
func TestBanking77Subset(t *testing.T) {
	sub, err := ReadCSV(banking77Subset)
	if err != nil {
		t.Fatal(err)
	}
	if len(sub) != 2511 || len(Articles(sub)) != 20 {
		t.Fatalf("read %d rows in %d categories, want 2511 in 20", len(sub), len(Articles(sub)))
	}
	tr, te := StratifiedSplit(sub, 0.1, 42)
	m := Train(Articles(tr), Options{Epochs: 6})
	r := Evaluate(m, tr, te)
	t.Logf("20 categories: %+v", r)
	if r.Accuracy < subsetAccuracyFloor || r.CoverageAt < subsetCoverageFloor {
		t.Errorf("accuracy %.3f coverage %.3f, want >= %.2f and %.2f", r.Accuracy, r.CoverageAt, subsetAccuracyFloor, subsetCoverageFloor)
	}
}

// BenchmarkMatch measures Match with the full Banking77 train set, the
// sentence encoder included.
func BenchmarkMatch(b *testing.B) {
	data := loadBanking77(b)
	tr, te := StratifiedSplit(data, 0.1, 42)
	m := Train(Articles(tr), Options{Epochs: 4, Uncalibrated: true})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Match(te[i%len(te)].Text, 5)
	}
}
