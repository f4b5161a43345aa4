package guard

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestEdgeRuns(t *testing.T) {
	g := testGuard(t)
	cases := []struct {
		text       string
		head, tail int
		whole      bool
	}{
		{"bench message 42 from user 7", 3, 1, false},
		{"abandon ability able about", 4, 4, true},
		{"abandon ability (continued) able about", 5, 5, true},
		{"my transfer is pending", 1, 1, false},
		{"转账 还有 没到", 0, 0, false},
		{"", 0, 0, true},
		{"あいこくしんあいこくしん abandon", 0, 0, true},
	}
	for _, c := range cases {
		head, tail, whole := g.EdgeRuns(c.text)
		if c.text == "转账 还有 没到" {
			// Common characters are Chinese wordlist words: the count
			// depends on the list, but a run may only be shorter than
			// the text when a character stops it.
			if !whole && (head > 7 || tail > 7) {
				t.Errorf("%q: head %d tail %d whole %v", c.text, head, tail, whole)
			}
			continue
		}
		if head != c.head || tail != c.tail || whole != c.whole {
			t.Errorf("%q: got head %d tail %d whole %v, want %d %d %v", c.text, head, tail, whole, c.head, c.tail, c.whole)
		}
	}
}

// TestEdgeRunsNeverRuleOutASplit: whenever ScanParts finds a mnemonic
// split over messages (English, Chinese with and without spaces, with
// fillers and chat around it), the edge counts of the last two messages
// allow it, so ruling a join out by them never hides one.
func TestEdgeRunsNeverRuleOutASplit(t *testing.T) {
	g := testGuard(t)
	r := rand.New(rand.NewPCG(11, 3))
	styles := []struct {
		l   lang
		sep string
	}{{english, " "}, {chineseSimplified, " "}, {chineseSimplified, ""}}
	before := []string{"", "my seed is ", "助记词是", "1. "}
	joins := []string{"", "(continued) ", "还有 ", "and then "}
	found := 0
	for _, st := range styles {
		for _, n := range []int{12, 24} {
			for range 150 {
				split := splitRandomly(r, randomMnemonic(g.w, r, st.l, n), 2+r.IntN(11))
				parts := make([]string, len(split))
				for i, ws := range split {
					parts[i] = strings.Join(ws, st.sep)
					if i > 0 {
						parts[i] = joins[r.IntN(len(joins))] + parts[i]
					}
				}
				parts[0] = before[r.IntN(len(before))] + parts[0]
				if len(g.ScanParts(parts)) == 0 {
					continue
				}
				found++
				head, _, _ := g.EdgeRuns(parts[len(parts)-1])
				_, tail, whole := g.EdgeRuns(parts[len(parts)-2])
				if !whole && head+tail < MinMnemonicWords {
					t.Errorf("a split ScanParts finds is ruled out (head %d, tail %d): %q", head, tail, parts)
				}
			}
		}
	}
	if found < 600 {
		t.Errorf("ScanParts found only %d of 900 splits (the cases must exercise it)", found)
	}
}
