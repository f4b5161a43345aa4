package guard

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mnemonics split into pieces: by filler words inside one message ("6 words
// (continued) 6 words", "6字 还有 6字"), or over several messages. The
// pieces are joined into one virtual text, with the filler taken out, and
// scanned with the ordinary rules; only checksum-valid mnemonics count, so
// ordinary chat that happens to hold wordlist words on both sides of an
// "and then" is left alone (the English and Chinese tests of Scan apply to
// the joined words too).

// Limits of the split scan: a mnemonic has at most 24 words with at most
// maxWordGap bytes between two, so the part of a message that can belong to
// a mnemonic begun or continued in another is short.
const (
	maxPartBytes = 1024 // of each earlier message (its end)
	maxParts     = 24   // messages scanned together
	// maxTokens bounds the words (runs of letters, or Chinese characters)
	// read on each side of the start of the last message: 23 words of a
	// mnemonic and the fillers between them.
	maxTokens = 64
)

// SplitWords is how many words before a new message ScanParts reads at
// most (see Words): a caller that reads earlier messages may stop there.
const SplitWords = maxTokens

// Words counts the words of text as ScanParts does: runs of letters, and
// Chinese characters one by one.
func Words(text string) int { return len(tokenStarts(text)) }

// hardBreak joins pieces that must not be read as one run: longer than any
// allowed gap, and made of a character no rule accepts between words.
var hardBreak = strings.Repeat("|", maxWordGap+1)

// PartFinding is a secret found across several texts (the messages of one
// sender): for each text it touches, the byte range it covers there.
type PartFinding struct {
	Kind       string
	Part       int
	Start, End int
}

// virtual is the joined text of several parts, with the origin of each
// byte: part<<32 | offset, or -1 for a byte the join put in.
type virtual struct {
	b    []byte
	org  []int64
	soft []bool // whitespace or a join that a glued reading may drop
}

func (v *virtual) put(s string, org int64, soft bool) {
	for i := 0; i < len(s); i++ {
		v.b = append(v.b, s[i])
		o := int64(-1)
		if org >= 0 {
			o = org + int64(i)
		}
		v.org = append(v.org, o)
		v.soft = append(v.soft, soft)
	}
}

// join is what build needs of the parts, worked out once per scan: their
// markers and fillers, and where a part was cut.
type join struct {
	parts []string
	cut   []bool
	marks [][][3]int // per part: [start, end, kind]: 1 marker, 0 filler, 2 filler holding a word
	// fillers counts the fillers that are no word ([0]) and that hold a
	// word ([1]); hanText is set when a part holds Chinese.
	fillers [2]int
	hanText bool
}

func (g *Guard) newJoin(parts []string, cut []bool) *join {
	j := &join{parts: parts, cut: cut, marks: make([][][3]int, len(parts))}
	for p, text := range parts {
		j.marks[p] = markerOrFiller(text, true)
		for k, m := range j.marks[p] {
			if m[2] == 1 {
				continue
			}
			if g.hasWord(text[m[0]:m[1]]) {
				j.marks[p][k][2] = 2
				j.fillers[1]++
			} else {
				j.fillers[0]++
			}
		}
		j.hanText = j.hanText || strings.ContainsFunc(text, isHan)
	}
	return j
}

// readings lists the readings of the parts worth scanning: as they are,
// with the fillers that are no word taken out, with all taken out, each
// also glued when there is Chinese; a reading that would be the same text
// as another is left out.
func (j *join) readings() []reading {
	drops := []dropMode{dropNone}
	if j.fillers[0] > 0 {
		drops = append(drops, dropNonWords)
	}
	if j.fillers[1] > 0 {
		drops = append(drops, dropAll)
	}
	var out []reading
	for _, d := range drops {
		out = append(out, reading{false, d})
		if j.hanText {
			out = append(out, reading{true, d})
		}
	}
	return out
}

// build joins the parts into a virtual text: markers of secrets already
// removed become hard breaks, fillers become a space (as drop says), parts
// are joined by a newline. Some fillers are wordlist words too ("more",
// "then", "next"), and a mnemonic may hold them: so the text is read with
// no filler taken out, with those that are no word taken out, and with
// all. With glue, the spaces and joins between two Chinese characters are
// left out, so that "释据摄股死" + "轴酯不兴砖功忙" reads as one dense run;
// build reports false when gluing changed nothing.
func (j *join) build(glue bool, drop dropMode) (*virtual, bool) {
	size := 0
	for _, text := range j.parts {
		size += len(text) + len(hardBreak) + 1
	}
	v := &virtual{b: make([]byte, 0, size), org: make([]int64, 0, size), soft: make([]bool, 0, size)}
	for p, text := range j.parts {
		base := int64(p) << 32
		if p > 0 {
			v.put("\n", -1, true)
		}
		if j.cut[p] {
			v.put(hardBreak, -1, false)
		}
		prev := 0
		emit := func(end int) {
			seg := text[prev:end]
			for i := 0; i < len(seg); {
				r, n := utf8.DecodeRuneInString(seg[i:])
				v.put(seg[i:i+n], base+int64(prev+i), unicode.IsSpace(r))
				i += n
			}
		}
		for _, m := range j.marks[p] {
			if m[2] == 0 && drop == dropNone || m[2] == 2 && drop != dropAll {
				continue
			}
			emit(m[0])
			if m[2] == 1 {
				v.put(hardBreak, -1, false)
			} else {
				v.put(" ", -1, true)
			}
			prev = m[1]
		}
		emit(len(text))
	}
	if glue {
		return v, v.glue()
	}
	return v, true
}

// markerOrFiller returns the markers ([start, end, 1]) of text and, with
// fillers, its fillers ([start, end, 0]), in order.
func markerOrFiller(text string, fillers bool) [][3]int {
	var out [][3]int
	for from := 0; from < len(text); {
		next, kind := len(text), -1
		var end int
		for _, m := range [...]string{MarkerMnemonic, MarkerPrivateKey, MarkerKeystore} {
			if i := strings.Index(text[from:], m); i >= 0 && from+i < next {
				next, end, kind = from+i, from+i+len(m), 1
			}
		}
		if fillers {
			if fs := findFillers(text[from:next]); len(fs) > 0 {
				next, end, kind = from+fs[0][0], from+fs[0][1], 0
			}
		}
		if kind < 0 {
			break
		}
		out = append(out, [3]int{next, end, kind})
		from = end
	}
	return out
}

// glue drops every run of soft bytes that stands between two Chinese
// characters, and reports whether there was one.
func (v *virtual) glue() bool {
	w := 0
	for i := 0; i < len(v.b); {
		if !v.soft[i] {
			v.b[w], v.org[w], v.soft[w] = v.b[i], v.org[i], v.soft[i]
			w++
			i++
			continue
		}
		j := i
		for j < len(v.b) && v.soft[j] {
			j++
		}
		before, _ := utf8.DecodeLastRune(v.b[:w])
		after, _ := utf8.DecodeRune(v.b[j:])
		if w > 0 && j < len(v.b) && unicode.Is(unicode.Han, before) && unicode.Is(unicode.Han, after) {
			i = j
			continue
		}
		for ; i < j; i++ {
			v.b[w], v.org[w], v.soft[w] = v.b[i], v.org[i], v.soft[i]
			w++
		}
	}
	changed := w < len(v.b)
	v.b, v.org, v.soft = v.b[:w], v.org[:w], v.soft[:w]
	return changed
}

// scanVirtual returns the checksum-valid mnemonics of v, as ranges of the
// parts: one PartFinding per part a mnemonic touches, with the index of the
// mnemonic in group.
func (g *Guard) scanVirtual(v *virtual, parts []string) (fs []PartFinding, group []int) {
	s := scanner{w: g.w, text: string(v.b)}
	s.mnemonics()
	n := 0
	for _, f := range merge(s.found) {
		if f.Kind != KindMnemonic {
			continue // a near-mnemonic made by a join would need no checksum
		}
		a, b := v.org[f.Start], v.org[f.End-1]
		if a < 0 || b < 0 {
			continue
		}
		pa, pb := int(a>>32), int(b>>32)
		for p := pa; p <= pb; p++ {
			start, end := 0, len(parts[p])
			if p == pa {
				start = int(a & 0xffffffff)
			}
			if p == pb {
				end = int(b&0xffffffff) + 1
			}
			fs = append(fs, PartFinding{Kind: KindMnemonic, Part: p, Start: start, End: end})
			group = append(group, n)
		}
		n++
	}
	return fs, group
}

// fillerScan finds, in one text, mnemonics interrupted by filler words or
// by line breaks between Chinese characters.
func (s *scanner) fillerScan(g *Guard) {
	words := 0
	for _, t := range s.toks {
		if t.e != nil {
			words++
		}
	}
	if words < minWords {
		return
	}
	han := strings.ContainsFunc(s.text, isHan)
	if !(han && strings.Contains(s.text, "\n")) && !hasFiller(s.text) {
		return
	}
	j := g.newJoin([]string{s.text}, []bool{false})
	for _, r := range j.readings() {
		if !r.glue && r.drop == dropNone {
			continue // the text as it is: scanned already
		}
		v, ok := j.build(r.glue, r.drop)
		if !ok {
			continue
		}
		fs, _ := g.scanVirtual(v, j.parts)
		for _, f := range fs {
			s.add(f.Kind, f.Start, f.End)
		}
	}
}

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

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// dropMode says which fillers a reading takes out.
type dropMode uint8

const (
	dropNone     dropMode = iota
	dropNonWords          // those with no wordlist word in them: "(continued)", "还有"
	dropAll
)

type reading struct {
	glue bool
	drop dropMode
}

// hasWord reports whether a filler holds a word of a Latin wordlist
// ("then", "more"). Chinese fillers are two characters or more and count
// as no word.
func (g *Guard) hasWord(filler string) bool {
	var buf [64]byte
	for _, f := range strings.FieldsFunc(filler, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if e := g.w.find(f, &buf); e != nil && e.mask&latinMask != 0 {
			return true
		}
	}
	return false
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
	if i := strings.Index(text, "[已隐藏"); i >= 0 {
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
