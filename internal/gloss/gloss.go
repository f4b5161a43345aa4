// Package gloss reads Chinese through an English dictionary: it holds the
// headwords of CC-CEDICT (the community Chinese-English dictionary), which
// package lex cuts Chinese into, and gives each word its English
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

// parts cuts a Chinese word the dictionary lacks into its longest known
// parts, left to right; characters it does not know are left out.
func (d *Dictionary) parts(r []rune) []string {
	var out []string
	for i := 0; i < len(r); {
		n := min(len(r)-i, d.maxLen)
		for ; n > 1; n-- {
			if _, ok := d.defs[string(r[i:i+n])]; ok {
				break
			}
		}
		if _, ok := d.defs[string(r[i:i+n])]; ok {
			out = append(out, string(r[i:i+n]))
		}
		i += n
	}
	return out
}

// Has reports whether word is a headword.
func (d *Dictionary) Has(word string) bool {
	_, ok := d.defs[word]
	return ok
}

// MaxLen is the length of the longest headword, in characters (capped at
// 8: longer entries are idioms and names that questions rarely contain
// whole).
func (d *Dictionary) MaxLen() int { return d.maxLen }

// Len is the number of headwords.
func (d *Dictionary) Len() int { return len(d.defs) }

// Define returns the English definitions of a headword ("" when the
// dictionary lacks it).
func (d *Dictionary) Define(word string) string { return d.defs[word] }

// Gloss returns English for a word (as package lex cuts them): its
// definitions, or for a word the dictionary lacks, those of its longest
// known parts in order.
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
	for _, p := range d.parts(r) {
		parts = append(parts, d.defs[p])
	}
	return strings.Join(parts, "; ")
}

// Read returns a word-by-word English reading of words (cut by package
// lex) for a sentence encoder: each word as the first definition of its
// Gloss ("花呗 怎么 还款" → "Ant Check Later, … how? repayment"), a word
// the dictionary lacks as the first definitions of its known parts,
// letters and digits as they are. Words without a definition are left
// out.
func (d *Dictionary) Read(words []string) string {
	var parts []string
	read := func(g string) {
		g, _, _ = strings.Cut(g, ";")
		if g = strings.TrimSpace(g); g != "" {
			parts = append(parts, g)
		}
	}
	for _, w := range words {
		if _, ok := d.defs[w]; ok {
			read(d.defs[w])
			continue
		}
		r := []rune(w)
		if len(r) == 0 || !unicode.Is(unicode.Han, r[0]) {
			read(strings.ToLower(w))
			continue
		}
		for _, p := range d.parts(r) {
			read(d.defs[p])
		}
	}
	return strings.Join(parts, " ")
}
