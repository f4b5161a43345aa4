package guard

import (
	"strings"
	"unicode"
)

// A 24-word mnemonic sent in pieces may hold 12 words that pass the
// checksum by chance (1 in 16 per window) before its last piece arrives:
// those go at once, with the marker, and the pieces that follow can no
// longer be checked against them. So words that come right after a removed
// mnemonic are its rest when they look like one: a run of wordlist words at
// the start of the next message, at most 23; fewer than 6 only when they
// are the whole message; English with at most a third of frequent words
// (a random mnemonic has 7%); Chinese only as the whole message, three
// characters or more, rare on average, with no frequent word and none
// repeated (most Chinese text is made of wordlist characters).

// continuation returns the range of text that continues a mnemonic removed
// from the end of the previous message.
func (g *Guard) continuation(prev, text string) (Finding, bool) {
	prev = strings.TrimRightFunc(prev, func(r rune) bool { return !unicode.IsLetter(r) && r != ']' })
	if !strings.HasSuffix(prev, MarkerMnemonic) {
		return Finding{}, false
	}
	if i := strings.Index(text, MarkerPrefix); i >= 0 {
		text = text[:i] // a marker's characters are wordlist characters
	}
	head := strings.TrimLeftFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	if head != "" {
		if end, ok := fillerAt(head, 0); ok {
			head = head[end:]
		}
	}
	from := len(text) - len(head)
	s := scanner{w: g.w, text: text}
	s.tokenize()
	i0 := 0
	for i0 < len(s.toks) && s.toks[i0].start < from {
		i0++
	}
	if i0 == len(s.toks) || s.toks[i0].e == nil {
		return Finding{}, false
	}
	best := Finding{}
	for l := range numLangs {
		if !s.toks[i0].e.in(l) {
			continue
		}
		run := []item{}
		for j := i0; j < len(s.toks) && len(run) < 23; j++ {
			t := s.toks[j]
			if !t.e.in(l) || (t.han != 0) != l.han() || j > i0 && len(s.gap(j-1)) > maxWordGap {
				break
			}
			run = append(run, item{start: t.start, end: t.end, idx: int(t.e.idx[l]), tok: j})
		}
		last := run[len(run)-1]
		rest := strings.TrimFunc(text[last.end:], func(r rune) bool { return !unicode.IsLetter(r) })
		switch {
		case len(run) < 6 && rest != "": // a short run must be the whole message
			continue
		case l == english && 3*s.commonEnglish(run) > len(run):
			continue
		case l.han() && (len(run) < 3 || rest != "" || s.meanLogRank(run) < hanDenseMLR || s.ordinaryHan(run)):
			continue
		}
		if last.end-run[0].start > best.End-best.Start {
			best = Finding{Kind: KindMnemonic, Start: run[0].start, End: last.end}
		}
	}
	return best, best.End > 0
}

// ordinaryHan reports signs of ordinary Chinese in a run of characters: a
// frequent two-character word, or a character used twice.
func (s *scanner) ordinaryHan(run []item) bool {
	seen := map[rune]bool{}
	for k, it := range run {
		c := s.toks[it.tok].han
		if seen[c] || k > 0 && s.w.bigrams[[2]rune{s.toks[run[k-1].tok].han, c}] {
			return true
		}
		seen[c] = true
	}
	return false
}
