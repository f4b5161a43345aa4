package bot

import (
	"maps"
	"slices"
	"testing"
)

// TestTermVectorUsesTheSharedTerms: questions are grouped over the terms
// the knowledge-base search uses (package lex): stop words of either
// language dropped, English stemmed, Chinese cut into words, and with
// chars their characters too.
func TestTermVectorUsesTheSharedTerms(t *testing.T) {
	keys := func(v map[string]float64) []string { return slices.Sorted(maps.Keys(v)) }
	for _, c := range []struct {
		q     string
		chars bool
		want  []string
	}{
		{"How do I get loans?", false, []string{"loan"}},
		{"Was this loan approved", false, []string{"approv", "loan"}},
		{"怎么申请信用卡", false, []string{"信用", "信用卡", "申请"}},
		{"怎么申请信用卡", true, []string{"信", "信用", "信用卡", "卡", "申", "申请"}},
		{"the 怎么 ？", true, nil},
	} {
		if got := keys(termVector(c.q, c.chars)); !slices.Equal(got, c.want) {
			t.Errorf("termVector(%q, %v) has %q, want %q", c.q, c.chars, got, c.want)
		}
	}
	// The three ways of asking for a credit card are close enough to group
	// even before idf weighting; a question about the weather is not.
	cards := []string{"我想开一张信用卡", "怎么申请信用卡", "信用卡怎么开通"}
	for i, a := range cards {
		for _, b := range cards[i+1:] {
			if sim := cosine(termVector(a, true), termVector(b, true)); sim < groupSimilarity {
				t.Errorf("similarity of %q and %q = %.2f, want ≥ %.2f", a, b, sim, groupSimilarity)
			}
		}
		if sim := cosine(termVector(a, true), termVector("今天天气怎么样", true)); sim != 0 {
			t.Errorf("similarity of %q and a weather question = %.2f, want 0", a, sim)
		}
	}
	if v := termVector("loan loan fee", false); v["loan"] <= v["fee"] || vecNorm(v) < 0.999 || vecNorm(v) > 1.001 {
		t.Errorf("termVector(loan loan fee) = %v, want unit length with loan counted twice", v)
	}
}
