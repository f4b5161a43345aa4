package bot

import "testing"

// TestGroupLabelIsStableOnTies: two questions are equally close to their
// sum, so the label must not depend on the order cosine adds in; the
// shorter question wins, then the first in byte order.
func TestGroupLabelIsStableOnTies(t *testing.T) {
	a := termVector("Can I stake my pet hamster for yield?", true)
	b := termVector("Can I stake my hamster to earn yield?", true)
	sum := map[string]float64{}
	for _, v := range []map[string]float64{a, b} {
		for k, x := range v {
			sum[k] += x
		}
	}
	texts := []string{"Can I stake my pet hamster for yield?", "Can I stake my hamster to earn yield?"}
	for i := 0; i < 200; i++ { // map order differs between runs of cosine
		if got := centreMember([]map[string]float64{a, b}, texts, sum); texts[got] != texts[1] {
			t.Fatalf("run %d: label %q, want the shorter %q", i, texts[got], texts[1])
		}
		if got := centreMember([]map[string]float64{b, a}, []string{texts[1], texts[0]}, sum); got != 0 {
			t.Fatalf("run %d, reversed: label %d, want the shorter (0)", i, got)
		}
	}
	// Same length: byte order.
	x, y := termVector("abc def", false), termVector("abd def", false)
	s2 := map[string]float64{}
	for _, v := range []map[string]float64{x, y} {
		for k, w := range v {
			s2[k] += w
		}
	}
	if got := centreMember([]map[string]float64{y, x}, []string{"abd def", "abc def"}, s2); got != 1 {
		t.Fatalf("equal lengths: got %d, want the first in byte order", got)
	}
	// A member clearly closer wins over a shorter one.
	c := termVector("hamster hamster hamster yield", false)
	far := termVector("zebra", false)
	s3 := map[string]float64{}
	for _, v := range []map[string]float64{c, c, far} {
		for k, w := range v {
			s3[k] += w
		}
	}
	if got := centreMember([]map[string]float64{far, c}, []string{"zebra", "hamster hamster hamster yield"}, s3); got != 1 {
		t.Fatalf("closest member lost to a shorter one: %d", got)
	}
}
