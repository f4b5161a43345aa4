package guard

import (
	"crypto/sha256"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	minWords   = 12 // the shortest mnemonic
	maxWordGap = 24 // bytes of separators ("\n12. ", `", "`) allowed between two words
	maxFuzzy   = 2  // misspelt words a near-mnemonic may contain

	maxKanaSteps = 100000 // search steps for kana written without spaces, per scan

	// Thresholds on the mean ln(index+1) of Chinese characters. The Chinese
	// lists are ordered by frequency, so natural text has a low mean and a
	// uniformly random mnemonic a high one (about 6.6, sd 0.3 for 12).
	hanDenseMLR     = 4.8 // written without spaces, no frequent word inside
	hanDenseMLRHit  = 5.8 // written without spaces, one sign of ordinary text
	hanDenseMLR2    = 6.0 // written without spaces, two repeated characters
	hanSpacedMLR    = 4.8 // one character per word, checksum fails
	hanSpacedValMLR = 4.5 // one character per word, checksum valid
)

// token is a word of the message: a run of letters, or one Chinese character.
type token struct {
	start, end int
	e          *entry
	han        rune // the character, for a Chinese character; else 0
}

// item is a word of a candidate mnemonic.
type item struct {
	start, end int
	idx        int  // index in the wordlist; -1 for a misspelt word
	tok        int  // index in scanner.toks
	adj        bool // no separator between this word and the previous one
}

type scanner struct {
	w     *wordlists
	text  string
	toks  []token
	found []Finding
	buf   [64]byte

	// scratch space, reused between runs
	runBuf []item
	logBuf []float64
	hitBuf []int
	segBuf [][2]int
	steps  int // left for splitting kana (gluedKana), per scan
}

func (s *scanner) add(kind string, start, end int) {
	s.found = append(s.found, Finding{Kind: kind, Start: start, End: end})
}

func (s *scanner) tokenize() {
	text := s.text
	s.toks = make([]token, 0, min(len(text)/3+8, 4096))
	start := -1
	flush := func(end int) {
		if start >= 0 {
			s.toks = append(s.toks, token{start: start, end: end, e: s.w.find(text[start:end], &s.buf)})
			start = -1
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				if start < 0 {
					start = i
				}
			} else {
				flush(i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.Is(unicode.Han, r):
			flush(i)
			s.toks = append(s.toks, token{start: i, end: i + n, e: s.w.lookup[text[i:i+n]], han: r})
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
		}
		i += n
	}
	flush(len(text))
}

// mnemonics finds BIP39 mnemonics and near-mnemonics.
func (s *scanner) mnemonics() {
	s.steps = maxKanaSteps
	s.tokenize()
	var count [numLangs]int
	for i, t := range s.toks {
		if t.e == nil {
			if t.han == 0 && t.end-t.start >= 3*3*minWords {
				s.gluedKana(i)
			}
			continue
		}
		for l := range numLangs {
			if t.e.mask&l.bit() != 0 {
				count[l]++
			}
		}
	}
	for l := range numLangs {
		if count[l] < minWords-maxFuzzy {
			continue
		}
		if l.han() {
			s.denseHan(l)
			s.wordRuns(l, true)
		} else {
			s.wordRuns(l, false)
		}
	}
}

func (s *scanner) gap(i int) string { return s.text[s.toks[i].end:s.toks[i+1].start] }

// wordRuns finds runs of words of list l, separated by at most maxWordGap
// bytes of anything but letters. For the Chinese lists (han) it finds
// characters written one per word: every two separated by something.
// A run may bridge a misspelt word (Latin lists), and may take the end or the
// start of a word glued to it (Japanese, Korean: "シードは：" + "あいこくしん").
func (s *scanner) wordRuns(l lang, han bool) {
	toks := s.toks
	member := func(i int) bool { return (toks[i].han != 0) == han && toks[i].e.in(l) }
	gapOK := func(i int) bool {
		g := s.gap(i)
		return len(g) <= maxWordGap && (!han || g != "")
	}
	segs := s.segBuf[:0]
	defer func() { s.segBuf = segs[:0] }()
	for i := 0; i < len(toks); {
		if !member(i) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && member(j) && gapOK(j-1) {
			j++
		}
		segs = append(segs, [2]int{i, j})
		i = j
	}
	for a := 0; a < len(segs); {
		total := segs[a][1] - segs[a][0]
		b := a + 1
		for b < len(segs) && !han && segs[b][0] == segs[b-1][1]+1 && gapOK(segs[b-1][1]-1) && gapOK(segs[b-1][1]) {
			total += segs[b][1] - segs[b][0] + 1
			b++
		}
		if total+2 >= minWords {
			s.chain(l, segs[a:b], gapOK)
		}
		a = b
	}
}

// chain turns segments of wordlist words, one token apart, into runs.
func (s *scanner) chain(l lang, segs [][2]int, gapOK func(int) bool) {
	toks := s.toks
	var run []item
	fuzzy := 0
	flush := func() {
		if len(run) >= minWords {
			s.wordRun(l, run, fuzzy)
		}
		run, fuzzy = nil, 0
	}
	if first := segs[0][0]; first > 0 && gapOK(first-1) {
		if it, ok := s.edge(l, first-1, true); ok {
			run = append(run, it)
			if it.idx < 0 {
				fuzzy++
			}
		}
	}
	for k, sg := range segs {
		if k > 0 {
			j := sg[0] - 1
			if fuzzy < maxFuzzy && l.latin() && s.fuzzy(l, j) {
				run = append(run, item{start: toks[j].start, end: toks[j].end, idx: -1, tok: j})
				fuzzy++
			} else {
				flush()
			}
		}
		for i := sg[0]; i < sg[1]; i++ {
			run = append(run, item{start: toks[i].start, end: toks[i].end, idx: int(toks[i].e.idx[l]), tok: i})
		}
	}
	if last := segs[len(segs)-1][1]; last < len(toks) && gapOK(last-1) && fuzzy < maxFuzzy {
		if it, ok := s.edge(l, last, false); ok {
			run = append(run, it)
			if it.idx < 0 {
				fuzzy++
			}
		}
	}
	flush()
}

// edge tries to take token i, next to a run, into it: misspelt (Latin
// lists), or partly (Japanese and Korean: the longest end, or start, of the
// token that is a word).
func (s *scanner) edge(l lang, i int, front bool) (item, bool) {
	t := s.toks[i]
	switch {
	case t.han != 0:
		return item{}, false
	case l.latin():
		if s.fuzzy(l, i) {
			return item{start: t.start, end: t.end, idx: -1, tok: i}, true
		}
	case l == japanese || l == korean:
		tok := s.text[t.start:t.end]
		const longest = 48 // bytes of the longest Japanese or Korean word, and more
		if front {
			for j := range tok {
				if j == 0 || len(tok)-j > longest {
					continue
				}
				if e := s.w.find(tok[j:], &s.buf); e.in(l) {
					return item{start: t.start + j, end: t.end, idx: int(e.idx[l]), tok: i}, true
				}
			}
		} else {
			var ends []int
			for j := range tok {
				if j > 0 && j <= longest {
					ends = append(ends, j)
				}
			}
			for _, j := range slices.Backward(ends) {
				if e := s.w.find(tok[:j], &s.buf); e.in(l) {
					return item{start: t.start, end: t.start + j, idx: int(e.idx[l]), tok: i}, true
				}
			}
		}
	}
	return item{}, false
}

// fuzzy reports whether token i is one edit (insertion, deletion,
// substitution or swap of two neighbours) from a word of Latin list l.
func (s *scanner) fuzzy(l lang, i int) bool {
	t := s.toks[i]
	if t.han != 0 || t.end-t.start > 48 {
		return false
	}
	tok := strings.ToLower(s.text[t.start:t.end])
	if !isASCII(tok) {
		tok = stripMarks(norm.NFKD.String(tok))
		if !isASCII(tok) {
			return false
		}
	}
	if len(tok) < 4 || len(tok) > 12 {
		return false
	}
	for _, w := range s.w.stripped[l] {
		if d := len(w) - len(tok); d >= -1 && d <= 1 && oneEdit(tok, w) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// oneEdit reports whether a and b (ASCII) are at most one edit apart,
// counting a swap of two neighbouring letters as one edit.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return len(b)-len(a) <= 1
	}
	if len(a) == len(b) {
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}

// wordRun decides about a run of at least minWords words of list l.
func (s *scanner) wordRun(l lang, run []item, fuzzy int) {
	if wins := s.windows(run, nil, func(a, b int) bool { return s.acceptWindow(l, run[a:b]) }); len(wins) > 0 {
		// The whole run goes, but for one or two frequent English words
		// around the valid windows ("seed: … ; key"): a mnemonic with a
		// mistyped word may hold a 12-word window that passes the checksum
		// by chance (1 in 16), and the rest of it must go too.
		a, b := len(run), 0
		for _, w := range wins {
			a, b = min(a, w[0]), max(b, w[1])
		}
		if !s.contextWords(l, run[:a]) {
			a = 0
		}
		if !s.contextWords(l, run[b:]) {
			b = len(run)
		}
		s.add(KindMnemonic, run[a].start, run[b-1].end)
		return
	}
	if s.acceptNear(l, run, fuzzy) {
		s.add(KindMnemonicLike, run[0].start, run[len(run)-1].end)
	}
}

// contextWords reports whether words next to a mnemonic are one or two
// frequent English words, which may stay.
func (s *scanner) contextWords(l lang, words []item) bool {
	if len(words) > 2 || l != english {
		return len(words) == 0
	}
	for _, it := range words {
		if it.idx < 0 || !s.w.common[it.idx] {
			return false
		}
	}
	return true
}

// acceptWindow tells a checksum-valid window of words from ordinary text
// whose words happen to be in a list (4 to 8 checksum bits: 1 in 16 to 1 in
// 256 runs of ordinary words pass).
func (s *scanner) acceptWindow(l lang, win []item) bool {
	switch {
	case l == english:
		return 2*s.commonEnglish(win) <= len(win)
	case l.han():
		return s.meanLogRank(win) >= hanSpacedValMLR
	}
	return true
}

// acceptNear tells a near-mnemonic (no valid checksum) from ordinary text.
func (s *scanner) acceptNear(l lang, run []item, fuzzy int) bool {
	switch {
	case l == english:
		return 2*(s.commonEnglish(run)+fuzzy) <= len(run)
	case l.han():
		return s.meanLogRank(run) >= hanSpacedMLR
	}
	return true
}

func (s *scanner) commonEnglish(win []item) int {
	n := 0
	for _, it := range win {
		if it.idx >= 0 && s.w.common[it.idx] {
			n++
		}
	}
	return n
}

func (s *scanner) meanLogRank(win []item) float64 {
	sum, n := 0.0, 0
	for _, it := range win {
		if it.idx >= 0 {
			sum += s.w.logRank[it.idx]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// windows returns the checksum-valid windows of run that accept approves.
//
// pre, when not nil, is a cheap test that windows must pass before their
// checksum is computed.
func (s *scanner) windows(run []item, pre, accept func(a, b int) bool) [][2]int {
	var cands [][2]int
	idx := make([]int, 0, 24)
	for a := range run {
		for _, k := range [...]int{24, 21, 18, 15, 12} { // BIP39 lengths, longest first
			b := a + k
			if b > len(run) || pre != nil && !pre(a, b) {
				continue
			}
			idx = idx[:0]
			for _, it := range run[a:b] {
				if it.idx < 0 {
					break
				}
				idx = append(idx, it.idx)
			}
			if len(idx) == k && checksumOK(idx) && accept(a, b) {
				cands = append(cands, [2]int{a, b})
			}
		}
	}
	return cands
}

// union joins overlapping ranges. A valid window that takes a character of
// context passes the checksum 1 time in 16; it and the real mnemonic both
// go, so that no word of the mnemonic is left.
func union(cands [][2]int) [][2]int {
	slices.SortFunc(cands, func(x, y [2]int) int { return x[0] - y[0] })
	var out [][2]int
	for _, c := range cands {
		if n := len(out); n > 0 && c[0] < out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], c[1])
			continue
		}
		out = append(out, c)
	}
	return out
}

// denseHan finds Chinese mnemonics written as a run of characters, with or
// without separators. Ordinary Chinese text is mostly made of wordlist
// characters, so only checksum-valid windows count, and only when they look
// random: no frequent two-character word inside, and rare characters.
func (s *scanner) denseHan(l lang) {
	toks := s.toks
	for i := 0; i < len(toks); {
		if toks[i].han == 0 || !toks[i].e.in(l) {
			i++
			continue
		}
		run := append(s.runBuf[:0], item{start: toks[i].start, end: toks[i].end, idx: int(toks[i].e.idx[l]), tok: i})
		j := i + 1
		for ; j < len(toks) && toks[j].han != 0 && toks[j].e.in(l); j++ {
			g := s.gap(j - 1)
			if !denseGapOK(g) {
				break
			}
			run = append(run, item{start: toks[j].start, end: toks[j].end, idx: int(toks[j].e.idx[l]), tok: j, adj: g == ""})
		}
		i = j
		s.runBuf = run[:0]
		if len(run) < minWords {
			continue
		}
		// Prefix sums for a quick first test of each window: frequent
		// words and mean log rank, as in acceptDense.
		logSum := slices.Grow(s.logBuf[:0], len(run)+1)[:len(run)+1]
		hitSum := slices.Grow(s.hitBuf[:0], len(run)+1)[:len(run)+1]
		s.logBuf, s.hitBuf = logSum, hitSum
		for k, it := range run {
			logSum[k+1] = logSum[k] + s.w.logRank[it.idx]
			hitSum[k+1] = hitSum[k]
			if k > 0 && it.adj && s.w.bigrams[[2]rune{toks[run[k-1].tok].han, toks[it.tok].han}] {
				hitSum[k+1]++
			}
		}
		pre := func(a, b int) bool {
			hits := hitSum[b] - hitSum[a+1]
			mlr := (logSum[b] - logSum[a]) / float64(b-a)
			return hits == 0 && mlr >= hanDenseMLR || hits == 1 && mlr >= hanDenseMLRHit
		}
		for _, w := range union(s.windows(run, pre, func(a, b int) bool { return s.acceptDense(run[a:b]) })) {
			s.add(KindMnemonic, run[w[0]].start, run[w[1]-1].end)
		}
	}
}

func (s *scanner) acceptDense(win []item) bool {
	if !regularGaps(win) {
		return false
	}
	// Signs of ordinary text: a frequent word (bigram), a character used
	// again (repeat). A random mnemonic repeats a character now and then
	// (12 characters: 3% of the time, 24: 13%); a few repeats per length
	// are free. A pair of characters used twice is ordinary text (in a
	// mnemonic: about 1 in 100,000).
	bigrams, repeats := 0, 0
	for k := range win {
		c := s.toks[win[k].tok].han
		if k > 0 && win[k].adj && s.w.bigrams[[2]rune{s.toks[win[k-1].tok].han, c}] {
			bigrams++
		}
		for j := range k {
			if s.toks[win[j].tok].han == c {
				repeats++
				if j > 0 && k > j+1 && s.toks[win[j-1].tok].han == s.toks[win[k-1].tok].han {
					return false
				}
				break
			}
		}
	}
	free := 0
	switch len(win) {
	case 15, 18:
		free = 1
	case 21, 24:
		free = 2
	}
	excess := bigrams + max(0, repeats-free)
	mlr := s.meanLogRank(win)
	switch {
	case excess == 0:
		return mlr >= hanDenseMLR
	case excess == 1:
		return mlr >= hanDenseMLRHit
	case excess == 2 && bigrams == 0:
		return mlr >= hanDenseMLR2
	}
	return false
}

// regularGaps reports whether the separators inside a window of Chinese
// characters are regular: none, or after every g characters (1, 2, 3, 4 or
// 6), as people write a mnemonic. Ordinary text has its commas and spaces
// where the sentence needs them.
func regularGaps(win []item) bool {
	first := 0
	for p := 1; p < len(win); p++ {
		if !win[p].adj {
			first = p
			break
		}
	}
	if first == 0 {
		return true
	}
	if first != 1 && first != 2 && first != 3 && first != 4 && first != 6 || 2*first > len(win) {
		return false
	}
	for p := 1; p < len(win); p++ {
		if win[p].adj == (p%first == 0) {
			return false
		}
	}
	return true
}

// denseGapOK allows the separators people put between the characters of a
// Chinese mnemonic: spaces, commas, numbering, quotes.
func denseGapOK(g string) bool {
	if len(g) > maxWordGap {
		return false
	}
	for _, r := range g {
		switch {
		case unicode.IsSpace(r), '0' <= r && r <= '9':
		case strings.ContainsRune(",，、;；.)）(（#\"'“”‘’-", r):
		default:
			return false
		}
	}
	return true
}

// checksumOK checks the BIP39 checksum of a mnemonic given as word indexes
// (len 12, 15, 18, 21 or 24): the 11-bit indexes concatenated are the
// entropy followed by the first len/3 bits of its SHA-256.
func checksumOK(idx []int) bool {
	n := len(idx)
	var buf [33]byte
	var acc uint64
	bits, pos := 0, 0
	for _, v := range idx {
		acc = acc<<11 | uint64(v&0x7ff)
		bits += 11
		for bits >= 8 {
			bits -= 8
			buf[pos] = byte(acc >> bits)
			pos++
		}
	}
	if bits > 0 {
		buf[pos] = byte(acc << (8 - bits))
	}
	entBytes := n * 4 / 3
	cs := uint(n / 3)
	sum := sha256.Sum256(buf[:entBytes])
	return buf[entBytes]>>(8-cs) == sum[0]>>(8-cs)
}

// gluedKana finds Japanese mnemonics written without separators: a long
// run of kana is split into wordlist words in every way that fits (a search
// bounded in steps), from every starting point, and the splits that pass the
// checksum count.
func (s *scanner) gluedKana(ti int) {
	t := s.toks[ti]
	tok := s.text[t.start:t.end]
	if !strings.ContainsFunc(tok, func(r rune) bool { return unicode.Is(unicode.Hiragana, r) }) {
		return
	}
	// Split into letters with their combining marks; nf is the NFKD form,
	// off[i] and nfOff[i] where letter i starts in tok and in nf.
	var off, nfOff []int
	var nf []byte
	for i := 0; i < len(tok); {
		j := i
		_, n := utf8.DecodeRuneInString(tok[j:])
		j += n
		for j < len(tok) {
			r, n := utf8.DecodeRuneInString(tok[j:])
			if !unicode.Is(unicode.Mn, r) {
				break
			}
			j += n
		}
		off, nfOff = append(off, i), append(nfOff, len(nf))
		nf = norm.NFKD.AppendString(nf, tok[i:j])
		i = j
	}
	off, nfOff = append(off, len(tok)), append(nfOff, len(nf))
	letters := len(off) - 1
	if letters < 3*minWords {
		return
	}
	type word struct{ next, idx int }
	next := make([][]word, letters)
	for i := range letters {
		for k := 3; k <= 7 && i+k <= letters; k++ {
			if e := s.w.lookup[string(nf[nfOff[i]:nfOff[i+k]])]; e.in(japanese) {
				next[i] = append(next[i], word{i + k, int(e.idx[japanese])})
			}
		}
	}
	var cands [][2]int // letter ranges of valid mnemonics
	path := make([]int, 0, 24)
	var walk func(start, at int)
	walk = func(start, at int) {
		if s.steps--; s.steps < 0 {
			return
		}
		if n := len(path); n >= minWords && n%3 == 0 && checksumOK(path) {
			cands = append(cands, [2]int{start, at})
		}
		if len(path) == 24 || at == letters {
			return
		}
		for _, w := range next[at] {
			path = append(path, w.idx)
			walk(start, w.next)
			path = path[:len(path)-1]
		}
	}
	for i := range letters {
		if len(next[i]) > 0 {
			walk(i, i)
		}
	}
	for _, c := range union(cands) {
		s.add(KindMnemonic, t.start+off[c[0]], t.start+off[c[1]])
	}
}
