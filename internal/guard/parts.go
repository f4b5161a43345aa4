package guard

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitWords is how many words before a new message ScanParts reads at
// most (see Words): a caller that reads earlier messages may stop there.
const SplitWords = maxTokens

// Words counts the words of text as ScanParts does: runs of letters, and
// Chinese characters one by one.
func Words(text string) int { return len(tokenStarts(text)) }

// ScanParts finds mnemonics that are completed across parts, the recent
// messages of one sender in order: "6 words" + "6 words", one word per
// message, "6字" + "还有 6字". Only mnemonics that touch two parts or more
// and pass the checksum are reported, one PartFinding per part touched;
// and the rest of a mnemonic removed from the end of the part before the
// last (see continuation).
// Of each part but the last only the end is read, of the last only the
// start (maxPartBytes), and at most the last maxParts parts.
func ScanParts(parts []string) []PartFinding { return defaultGuard().ScanParts(parts) }

// ScanParts: see the package function.
func (g *Guard) ScanParts(parts []string) []PartFinding {
	if len(parts) < 2 {
		return nil
	}
	all, off := parts, 0
	if len(parts) > maxParts {
		off = len(parts) - maxParts
		parts = parts[off:]
	}
	// Cut the parts to what may belong to a mnemonic that the last part
	// completes: at most maxTokens words (with fillers) back from the
	// start of the last part, and as many into it; remember the offsets
	// to map findings back.
	n := len(parts)
	view := slices.Clone(parts)
	shift := make([]int, n)
	cut := make([]bool, n)
	view[n-1] = view[n-1][:headEnd(view[n-1], maxTokens)]
	first, budget := 0, maxTokens
	for p := n - 2; p >= 0; p-- {
		text := view[p]
		if len(text) > maxPartBytes {
			i := len(text) - maxPartBytes
			for i < len(text) && !utf8.RuneStart(text[i]) {
				i++
			}
			text, shift[p], cut[p] = text[i:], i, true
		}
		starts := tokenStarts(text)
		if len(starts) < budget {
			view[p], budget = text, budget-len(starts)
			continue
		}
		i := starts[len(starts)-budget]
		view[p], shift[p], cut[p] = text[i:], shift[p]+i, true
		first = p
		break
	}
	view, shift, cut = view[first:], shift[first:], cut[first:]
	off += first
	jn := g.newJoin(view, cut)
	var out []PartFinding
	for _, r := range jn.readings() {
		v, ok := jn.build(r.glue, r.drop)
		if !ok {
			continue
		}
		fs, group := g.scanVirtual(v, view)
		for i := 0; i < len(fs); {
			j := i
			for j < len(fs) && group[j] == group[i] {
				j++
			}
			if j-i >= 2 { // touches two parts or more
				group := fs[i:j]
				for k := range group {
					group[k].Start += shift[group[k].Part]
					group[k].End += shift[group[k].Part]
					group[k].Part += off
				}
				if bounded(all, group) {
					out = append(out, group...)
				}
			}
			i = j
		}
	}
	if last := len(all) - 1; len(out) == 0 || out[len(out)-1].Part != last {
		if f, ok := g.continuation(all[last-1], all[last]); ok {
			out = append(out, PartFinding{Kind: f.Kind, Part: last, Start: f.Start, End: f.End})
		}
	}
	return mergeParts(out)
}

// mergeParts sorts findings by part and offset and joins overlapping ones.
func mergeParts(fs []PartFinding) []PartFinding {
	if len(fs) == 0 {
		return nil
	}
	byPart := map[int][]Finding{}
	maxPart := 0
	for _, f := range fs {
		byPart[f.Part] = append(byPart[f.Part], Finding{Kind: f.Kind, Start: f.Start, End: f.End})
		maxPart = max(maxPart, f.Part)
	}
	var out []PartFinding
	for p := 0; p <= maxPart; p++ {
		for _, f := range merge(byPart[p]) {
			out = append(out, PartFinding{Kind: f.Kind, Part: p, Start: f.Start, End: f.End})
		}
	}
	return out
}

// RedactRanges replaces the given byte ranges of text (sorted, apart) with
// the marker of their kind.
func RedactRanges(text string, fs []Finding) string {
	var b strings.Builder
	prev := 0
	for _, f := range fs {
		b.WriteString(text[prev:f.Start])
		b.WriteString(Marker(f.Kind))
		prev = f.End
	}
	b.WriteString(text[prev:])
	return b.String()
}

// startLabels may stand glued before the first character of a Chinese
// mnemonic ("助记词是…").
var startLabels = []string{"助记词", "是", "为"}

// bounded reports whether a mnemonic found across parts starts and ends at
// the edges of words: a Chinese one must not start right after another
// Chinese character of its first part (but for a label such as "助记词是")
// nor end right before one of its last part. Glued across messages,
// ordinary Chinese questions ("花呗额度最多多少" + "花呗可以…") would
// otherwise now and then join into a window that passes the tests.
func bounded(parts []string, fs []PartFinding) bool {
	first, last := fs[0], fs[len(fs)-1]
	before := parts[first.Part][:first.Start]
	if r, _ := utf8.DecodeLastRuneInString(before); isHan(r) {
		ok := false
		for _, l := range startLabels {
			if strings.HasSuffix(before, l) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(parts[last.Part][last.End:])
	return !isHan(r)
}

// MayContinue reports whether text may complete a mnemonic begun in earlier
// messages: its first word, after punctuation, numbering and fillers
// ("(continued)", "还有"), is a wordlist word. It is a cheap test that
// spares most messages the reading of earlier ones.
func MayContinue(text string) bool { return defaultGuard().MayContinue(text) }

// MayContinue: see the package function.
func (g *Guard) MayContinue(text string) bool {
	for range 4 {
		text = strings.TrimLeftFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
		end, ok := 0, false
		if text != "" {
			end, ok = fillerAt(text, 0)
		}
		if !ok {
			break
		}
		text = text[end:]
	}
	end := 0
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if isHan(r) {
			if end == 0 {
				end = n
			}
			break
		}
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			break
		}
		end += n
	}
	if end == 0 || end > 48 {
		return false
	}
	var buf [64]byte
	return g.w.find(text[:end], &buf) != nil
}

// tokenStarts returns where the words of text start: runs of letters, and
// each Chinese character on its own (as the scanner splits them).
func tokenStarts(text string) []int {
	var out []int
	in := false
	for i, r := range text {
		switch {
		case isHan(r):
			out = append(out, i)
			in = false
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			if !in {
				out = append(out, i)
			}
			in = true
		default:
			in = false
		}
	}
	return out
}

// headEnd returns the end of the first n words of text (all of it when it
// has fewer).
func headEnd(text string, n int) int {
	starts := tokenStarts(text)
	if len(starts) <= n {
		return len(text)
	}
	return starts[n]
}
