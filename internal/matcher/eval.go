package matcher

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
)

// Labeled is one question with the article that answers it.
type Labeled struct {
	Text, Label string
}

// ReadCSV reads a `text,category` CSV file with a header row.
func ReadCSV(path string) ([]Labeled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseCSV(f)
}

// ParseCSV parses a `text,category` CSV with a header row; the columns are
// found by name, falling back to the first two.
func ParseCSV(r io.Reader) ([]Labeled, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("matcher: csv header: %w", err)
	}
	ti, li := 0, 1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "text", "question":
			ti = i
		case "category", "label", "intent":
			li = i
		}
	}
	var out []Labeled
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("matcher: csv: %w", err)
		}
		if len(rec) <= ti || len(rec) <= li {
			return nil, fmt.Errorf("matcher: csv: short record %q", rec)
		}
		out = append(out, Labeled{rec[ti], rec[li]})
	}
}

// Articles groups labeled questions into one article per label, in order
// of first appearance.
func Articles(data []Labeled) []Article {
	pos := map[string]int{}
	var out []Article
	for _, d := range data {
		i, ok := pos[d.Label]
		if !ok {
			i = len(out)
			pos[d.Label] = i
			out = append(out, Article{ID: d.Label})
		}
		out[i].Examples = append(out[i].Examples, d.Text)
	}
	return out
}

// StratifiedSplit puts a fraction frac of each label's questions (rounded,
// at least one when the label has two or more) into test, chosen with a
// fixed seed, and the rest into train. Both keep the input order.
func StratifiedSplit(data []Labeled, frac float64, seed uint64) (train, test []Labeled) {
	byLabel := map[string][]int{}
	var labels []string
	for i, d := range data {
		if _, ok := byLabel[d.Label]; !ok {
			labels = append(labels, d.Label)
		}
		byLabel[d.Label] = append(byLabel[d.Label], i)
	}
	sort.Strings(labels)
	rng := rand.New(rand.NewPCG(seed, 0x5b1))
	inTest := make([]bool, len(data))
	for _, l := range labels {
		idx := byLabel[l]
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := int(float64(len(idx))*frac + 0.5)
		if n == 0 && len(idx) >= 2 && frac > 0 {
			n = 1
		}
		for _, i := range idx[:n] {
			inTest[i] = true
		}
	}
	for i, d := range data {
		if inTest[i] {
			test = append(test, d)
		} else {
			train = append(train, d)
		}
	}
	return train, test
}

// Report is the result of an evaluation.
type Report struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	// Top3 is the share of questions whose article is among the three
	// best candidates (what the bot offers as suggestions).
	Top3 float64 `json:"top3"`
	// BaselineAccuracy is the accuracy of a character TF-IDF nearest
	// neighbour over the same training questions (charNeighbour).
	BaselineAccuracy float64 `json:"baseline_accuracy"`
	CoverageAt       float64 `json:"coverage_at_95"`
	P50ms            float64 `json:"p50_ms"`
	P99ms            float64 `json:"p99_ms"`
	Temperature      float64 `json:"temperature,omitempty"`
	ECE              float64 `json:"ece,omitempty"`
}

// Evaluate measures m, trained on train, on test: top-1 and top-3
// accuracy, coverage at 95% precision, expected calibration error and
// Match latency, and the accuracy of the character nearest-neighbour
// baseline over train.
func Evaluate(m *Matcher, train, test []Labeled) Report {
	r := Report{N: len(test), Temperature: m.Temperature()}
	if len(test) == 0 {
		return r
	}
	conf := make([]float64, len(test))
	right := make([]bool, len(test))
	lat := make([]time.Duration, len(test))
	correct, top3 := 0, 0
	for i, t := range test {
		start := time.Now()
		c := m.Match(t.Text, 3)
		lat[i] = time.Since(start)
		if len(c) > 0 {
			conf[i] = c[0].Confidence
			right[i] = c[0].ArticleID == t.Label
		}
		if right[i] {
			correct++
		}
		if slices.ContainsFunc(c, func(c Candidate) bool { return c.ArticleID == t.Label }) {
			top3++
		}
	}
	r.Accuracy = float64(correct) / float64(len(test))
	r.Top3 = float64(top3) / float64(len(test))
	r.CoverageAt = CoverageAtPrecision(conf, right, 0.95)
	r.ECE = ExpectedCalibrationError(conf, right, 10)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 {
		i := int(q * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	r.P50ms, r.P99ms = ms(0.50), ms(0.99)
	base := newCharNeighbour(train)
	hits := 0
	for _, t := range test {
		if base.nearest(t.Text) == t.Label {
			hits++
		}
	}
	r.BaselineAccuracy = float64(hits) / float64(len(test))
	return r
}

// CoverageAtPrecision returns the largest fraction of questions that can be
// answered, at one confidence threshold, with precision at least p: the
// questions are sorted by confidence, highest first, and the longest prefix
// whose precision is at least p is taken. Questions with equal confidence
// are taken or left together, since a threshold cannot split them.
func CoverageAtPrecision(conf []float64, right []bool, p float64) float64 {
	n := len(conf)
	if n == 0 {
		return 0
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return conf[idx[a]] > conf[idx[b]] })
	best, ok := 0, 0
	for i := 0; i < n; i++ {
		if right[idx[i]] {
			ok++
		}
		if i+1 < n && conf[idx[i+1]] == conf[idx[i]] {
			continue // not a threshold boundary
		}
		if float64(ok) >= p*float64(i+1)-1e-9 {
			best = i + 1
		}
	}
	return float64(best) / float64(n)
}

// ExpectedCalibrationError is the bin-weighted mean gap between confidence
// and accuracy over bins equal-width confidence bins.
func ExpectedCalibrationError(conf []float64, right []bool, bins int) float64 {
	sumC := make([]float64, bins)
	sumA := make([]float64, bins)
	cnt := make([]int, bins)
	for i, c := range conf {
		b := int(c * float64(bins))
		b = min(max(b, 0), bins-1)
		sumC[b] += c
		if right[i] {
			sumA[b]++
		}
		cnt[b]++
	}
	var e float64
	for b := range bins {
		if cnt[b] > 0 {
			d := sumC[b] - sumA[b]
			if d < 0 {
				d = -d
			}
			e += d / float64(len(conf))
		}
	}
	return e
}
