package guard

import (
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
// fillers, its fillers ([start, end, 0]), in order. It is linear in the
// text: a long upload full of fillers ("line", "and") is scanned too.
func markerOrFiller(text string, fillers bool) [][3]int {
	var out [][3]int
	from := 0
	addFillers := func(end int) {
		if !fillers {
			return
		}
		for _, f := range findFillers(text[from:end]) {
			out = append(out, [3]int{from + f[0], from + f[1], 0})
		}
	}
	for _, m := range markerRanges(text) {
		addFillers(m[0])
		out = append(out, [3]int{m[0], m[1], 1})
		from = m[1]
	}
	addFillers(len(text))
	return out
}

// markerRanges returns the markers of text, in order and apart: at each
// point the earliest one that starts there or later.
func markerRanges(text string) [][2]int {
	marks := [...]string{MarkerMnemonic, MarkerPrivateKey, MarkerKeystore}
	indexFrom := func(from int, m string) int {
		if i := strings.Index(text[from:], m); i >= 0 {
			return from + i
		}
		return -1
	}
	var next [len(marks)]int
	for k, m := range marks {
		next[k] = indexFrom(0, m)
	}
	var out [][2]int
	for from := 0; ; {
		best := -1
		for k, m := range marks {
			if next[k] >= 0 && next[k] < from {
				next[k] = indexFrom(from, m)
			}
			if next[k] >= 0 && (best < 0 || next[k] < next[best]) {
				best = k
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, [2]int{next[best], next[best] + len(marks[best])})
		from = next[best] + len(marks[best])
	}
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
