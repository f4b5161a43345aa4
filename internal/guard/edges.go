package guard

import "unicode/utf8"

// MinMnemonicWords is the fewest words a mnemonic has.
const MinMnemonicWords = minWords

// EdgeRuns bounds the words that a mnemonic crossing the start or the end
// of text can take from it, so that a message joined to its neighbour can
// be ruled out without reading further or scanning the join. A
// checksum-valid mnemonic is a run of wordlist words with nothing but
// separators, numbering and fillers ("(continued)", "还有") between them;
// it cannot pass a word that is in no wordlist. head counts the words of
// text before its first such word, tail those after its last one, each
// plus one (a glued Japanese or Korean word may lend one); whole is set
// when text has no such word, or one the count cannot judge (a long glued
// kana or hangul run may hold many words): then any run may cross it.
func (g *Guard) EdgeRuns(text string) (head, tail int, whole bool) {
	s := scanner{w: g.w, text: text}
	s.tokenize()
	inFiller := make([]bool, len(s.toks))
	k := 0
	for _, f := range findFillers(text) {
		for k < len(s.toks) && s.toks[k].start < f[0] {
			k++
		}
		for k < len(s.toks) && s.toks[k].start < f[1] {
			inFiller[k] = true
			k++
		}
	}
	// stop reports whether token i ends a run; judged is false when it is
	// no wordlist word but may still hold some.
	stop := func(i int) (stops, judged bool) {
		t := s.toks[i]
		if t.e != nil || inFiller[i] {
			return false, true
		}
		if t.han != 0 {
			return true, true
		}
		for j := t.start; j < t.end; j++ {
			if text[j] >= utf8.RuneSelf {
				return true, false
			}
		}
		return true, true
	}
	first := -1
	for i := range s.toks {
		stops, judged := stop(i)
		if !judged {
			return 0, 0, true
		}
		if stops {
			first = i
			break
		}
	}
	if first < 0 {
		return len(s.toks), len(s.toks), true
	}
	last := first
	for i := len(s.toks) - 1; i > first; i-- {
		stops, judged := stop(i)
		if !judged {
			return 0, 0, true
		}
		if stops {
			last = i
			break
		}
	}
	return first + 1, len(s.toks) - last, false
}
