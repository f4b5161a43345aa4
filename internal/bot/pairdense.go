package bot

import (
	"math"
	"sort"
	"strings"
)

// Function words whose presence on one side only often flips the meaning
// of otherwise similar Chinese questions: negations, and the words that
// say what kind of answer is wanted (why / how / what / how much / how
// long / whether / where / when). They are general Chinese, not tied to
// one product.
var (
	negations = []string{"不", "没", "无", "未", "别", "非"}
	askKinds  = [][]string{
		{"为什么", "为啥", "为何", "怎么不", "怎么没"},
		{"怎么", "如何", "怎样", "咋"},
		{"什么", "啥"},
		{"多少", "几"},
		{"多久", "多长时间", "几天", "时间"},
		{"能", "可以", "可否", "吗"},
		{"哪"},
		{"什么时候", "何时"},
	}
)

// pairDense returns the dense features of a pair for the boosted trees:
// lengths, overlaps, edit distance and subsequences, what only one side
// has, and mismatches of negation, question kind and numbers. Each
// feature is symmetric in a and b.
func (pm *PairModel) pairDense(a, b string) []float64 {
	na, nb := normalize(a), normalize(b)
	ra := []rune(strings.ReplaceAll(na, " ", ""))
	rb := []rune(strings.ReplaceAll(nb, " ", ""))
	la, lb := float64(len(ra)), float64(len(rb))
	lmin, lmax := math.Min(la, lb), math.Max(la, lb)
	out := []float64{lmin, lmax, lmax - lmin, ratio(lmin, lmax)}
	ga, gb := grams(a), grams(b)
	for n := 1; n <= 2; n++ {
		var inter, onlyA, onlyB int
		var dot, wa2, wb2, wOnlyA, wOnlyB float64
		for _, g := range sortedKeys(ga[n]) {
			w := pm.weight(g)
			wa2 += w * w
			if gb[n][g] {
				inter++
				dot += w * w
			} else {
				onlyA++
				wOnlyA += w
			}
		}
		for _, g := range sortedKeys(gb[n]) {
			w := pm.weight(g)
			wb2 += w * w
			if !ga[n][g] {
				onlyB++
				wOnlyB += w
			}
		}
		cos := 0.0
		if wa2 > 0 && wb2 > 0 {
			cos = dot / math.Sqrt(wa2*wb2)
		}
		out = append(out,
			ratio(float64(inter), float64(inter+onlyA+onlyB)), cos,
			float64(min(onlyA, onlyB)), float64(max(onlyA, onlyB)),
			math.Min(wOnlyA, wOnlyB), math.Max(wOnlyA, wOnlyB))
	}
	lcs := lcsLen(ra, rb)
	sub := longestCommonRun(ra, rb)
	ed := editDistance(ra, rb)
	out = append(out, float64(lcs), ratio(float64(lcs), lmin), ratio(float64(lcs), lmax),
		float64(sub), ratio(float64(sub), lmin), float64(ed), ratio(float64(ed), lmax))
	// The unmatched runs of the alignment: how many, the longest, and
	// how many are pure insertions (one side empty).
	var gaps, longest, oneSided int
	for _, g := range alignGaps(ra, rb) {
		gaps++
		l := max(len([]rune(g[0])), len([]rune(g[1])))
		longest = max(longest, l)
		if g[0] == "" || g[1] == "" {
			oneSided++
		}
	}
	out = append(out, float64(gaps), float64(longest), float64(oneSided))
	// Negations: count difference and whether the parity differs.
	ca, cb := countAny(na, negations), countAny(nb, negations)
	out = append(out, math.Abs(float64(ca-cb)), b2f(ca%2 != cb%2))
	var kinds float64
	for _, ks := range askKinds {
		x := b2f((countAny(na, ks) > 0) != (countAny(nb, ks) > 0))
		out = append(out, x)
		kinds += x
	}
	out = append(out, kinds)
	// Numbers (digits or the masked "***").
	da, db := hasNumber(a), hasNumber(b)
	out = append(out, b2f(da != db), b2f(da && db))
	if pm.senses != nil {
		out = append(out, pm.senses.dense(a, b)...)
	}
	return out
}

// sortedKeys returns the keys of m in order, so that sums over them do
// not depend on the map's iteration order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func countAny(s string, words []string) int {
	n := 0
	for _, w := range words {
		n += strings.Count(s, w)
	}
	return n
}

func hasNumber(s string) bool {
	if strings.Contains(s, "***") {
		return true
	}
	for _, r := range s {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

// lcsLen is the length of the longest common subsequence of a and b.
func lcsLen(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// longestCommonRun is the length of the longest common substring.
func longestCommonRun(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	best := 0
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
				best = max(best, cur[j+1])
			} else {
				cur[j+1] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range a {
		cur[0] = i + 1
		for j := range b {
			c := prev[j]
			if a[i] != b[j] {
				c = 1 + min(prev[j], prev[j+1], cur[j])
			}
			cur[j+1] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// alignGaps aligns a and b along a longest common subsequence and returns
// the unmatched runs between matched characters as (run of a, run of b)
// pairs; either may be empty. For 花呗怎么还 / 借呗怎么还 it is [(花, 借)].
func alignGaps(a, b []rune) [][2]string {
	n, m := len(a), len(b)
	// suffix LCS table, so the walk can go forwards.
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out [][2]string
	i, j, si, sj := 0, 0, 0, 0
	flush := func() {
		if si < i || sj < j {
			out = append(out, [2]string{string(a[si:i]), string(b[sj:j])})
		}
	}
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			flush()
			i, j = i+1, j+1
			si, sj = i, j
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	i, j = n, m
	flush()
	return out
}
