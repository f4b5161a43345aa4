// Package gloss reads Chinese through an English dictionary. It cuts
// Chinese text into the headwords of CC-CEDICT (the community
// Chinese-English dictionary) and gives each word its English
// definitions, so that an English sentence encoder can place Chinese words
// by meaning: "还款" (repayment; pay back money) and "还钱" (pay back +
// money) land close together although they share one character.
//
// The word list is derived from CC-CEDICT (CC BY-SA 4.0; see
// data/README.md) and embedded; Load parses it.
package gloss

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed data/cedict-gloss.tsv.gz
var wordList []byte

// Dictionary maps simplified-Chinese words to English definitions. It is
// read-only after Load and safe for concurrent use.
type Dictionary struct {
	defs   map[string]string
	maxLen int // longest headword, in runes (capped at maxWord)
}

// maxWord bounds the headwords segmentation tries; longer entries are
// idioms and names that questions rarely contain whole.
const maxWord = 8

// Load parses the embedded word list (about 118,000 words; 0.1–0.2 s).
func Load() (*Dictionary, error) {
	zr, err := gzip.NewReader(bytes.NewReader(wordList))
	if err != nil {
		return nil, fmt.Errorf("gloss: open the word list: %w", err)
	}
	d := &Dictionary{defs: make(map[string]string, 120_000), maxLen: 1}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		word, def, ok := strings.Cut(sc.Text(), "\t")
		if !ok || word == "" || def == "" {
			return nil, fmt.Errorf("gloss: damaged word list line %q", sc.Text())
		}
		d.defs[word] = def
		d.maxLen = max(d.maxLen, min(utf8.RuneCountInString(word), maxWord))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gloss: read the word list: %w", err)
	}
	return d, nil
}

// Len is the number of headwords.
func (d *Dictionary) Len() int { return len(d.defs) }

// Define returns the English definitions of a headword ("" when the
// dictionary lacks it).
func (d *Dictionary) Define(word string) string { return d.defs[word] }

// Gloss returns English for a word of Words: its definitions, or for a
// word the dictionary lacks, those of its longest known parts in order.
// Letters and digits are returned lower-cased as they are.
func (d *Dictionary) Gloss(word string) string {
	if g, ok := d.defs[word]; ok {
		return g
	}
	r := []rune(word)
	if len(r) == 0 || !unicode.Is(unicode.Han, r[0]) {
		return strings.ToLower(word)
	}
	var parts []string
	for i := 0; i < len(r); {
		n := min(len(r)-i, d.maxLen)
		for ; n > 1; n-- {
			if _, ok := d.defs[string(r[i:i+n])]; ok {
				break
			}
		}
		if g, ok := d.defs[string(r[i:i+n])]; ok {
			parts = append(parts, g)
		}
		i += n
	}
	return strings.Join(parts, "; ")
}

// Words cuts text into words: runs of Chinese characters into the fewest
// dictionary headwords (a character the dictionary lacks stands alone),
// runs of letters and digits whole; everything else separates words and
// is dropped.
func (d *Dictionary) Words(text string) []string {
	var out []string
	var run []rune
	han := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if han {
			out = d.segment(run, out)
		} else {
			out = append(out, string(run))
		}
		run = run[:0]
	}
	for _, r := range text {
		isHan := unicode.Is(unicode.Han, r)
		if !isHan && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if isHan != han {
			flush()
			han = isHan
		}
		run = append(run, r)
	}
	flush()
	return out
}

// segment appends r cut into the fewest headwords; among cuts with as
// many words it keeps the one found first from the left with the
// longest last word (dynamic programming over end positions).
func (d *Dictionary) segment(r []rune, out []string) []string {
	n := len(r)
	cost := make([]int, n+1)
	back := make([]int, n+1)
	for i := 1; i <= n; i++ {
		cost[i] = n + 1
		for l := min(i, d.maxLen); l >= 1; l-- {
			if l > 1 {
				if _, ok := d.defs[string(r[i-l:i])]; !ok {
					continue
				}
			}
			if c := cost[i-l] + 1; c < cost[i] {
				cost[i], back[i] = c, l
			}
		}
	}
	start := len(out)
	for i := n; i > 0; i -= back[i] {
		out = append(out, string(r[i-back[i]:i]))
	}
	for i, j := start, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Read returns a word-by-word English reading of text for a sentence
// encoder: each word of Words as the first definition of its Gloss
// ("花呗怎么还款" → "Ant Check Later, … how? repayment"), letters and
// digits as they are. Words without a definition are left out.
func (d *Dictionary) Read(text string) string {
	var parts []string
	for _, w := range d.Words(text) {
		g, _, _ := strings.Cut(d.Gloss(w), ";")
		if g = strings.TrimSpace(g); g != "" {
			parts = append(parts, g)
		}
	}
	return strings.Join(parts, " ")
}
