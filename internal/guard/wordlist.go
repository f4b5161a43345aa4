package guard

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:embed wordlists/*.json
var wordlistFS embed.FS

// lang numbers the ten BIP39 wordlists.
type lang uint8

const (
	english lang = iota
	chineseSimplified
	chineseTraditional
	japanese
	korean
	spanish
	french
	italian
	czech
	portuguese
	numLangs
)

// String returns the language name, as in the wordlist file name.
func (l lang) String() string {
	return [numLangs]string{
		english:            "english",
		chineseSimplified:  "chinese_simplified",
		chineseTraditional: "chinese_traditional",
		japanese:           "japanese",
		korean:             "korean",
		spanish:            "spanish",
		french:             "french",
		italian:            "italian",
		czech:              "czech",
		portuguese:         "portuguese",
	}[l]
}

func (l lang) bit() uint16 { return 1 << l }

func (l lang) han() bool { return l == chineseSimplified || l == chineseTraditional }

func (l lang) latin() bool {
	switch l {
	case english, spanish, french, italian, czech, portuguese:
		return true
	}
	return false
}

const latinMask = 1<<english | 1<<spanish | 1<<french | 1<<italian | 1<<czech | 1<<portuguese

// entry says, for one normalized spelling, in which wordlists it is a word
// and at which index.
type entry struct {
	mask uint16
	idx  [numLangs]uint16
}

func (e *entry) in(l lang) bool { return e != nil && e.mask&l.bit() != 0 }

// wordlists is the parsed, immutable form of the embedded lists.
type wordlists struct {
	words    [numLangs][]string // NFKD, as published
	stripped [numLangs][]string // NFKD without combining marks (Latin lists)
	lookup   map[string]*entry  // NFKD word, and accent-stripped form for Latin lists
	logRank  [2048]float64      // ln(index+1): the Chinese lists are ordered by frequency
	common   [2048]bool         // English words that are among the most frequent English words
	bigrams  map[[2]rune]bool   // frequent Chinese two-character words (both scripts)
}

func loadWordlists() (*wordlists, error) {
	w := &wordlists{lookup: make(map[string]*entry, 24000)}
	for l := range numLangs {
		b, err := wordlistFS.ReadFile("wordlists/" + l.String() + ".json")
		if err != nil {
			return nil, err
		}
		var list []string
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("wordlist %s: %w", l, err)
		}
		if len(list) != 2048 {
			return nil, fmt.Errorf("wordlist %s: %d words, want 2048", l, len(list))
		}
		w.words[l] = list
		w.stripped[l] = make([]string, len(list))
		for i, word := range list {
			word = norm.NFKD.String(word)
			list[i] = word
			w.add(word, l, i)
			s := stripMarks(word)
			w.stripped[l][i] = s
			if l.latin() && s != word {
				w.add(s, l, i)
			}
		}
	}
	for i := range w.logRank {
		w.logRank[i] = math.Log(float64(i + 1))
	}
	for _, word := range strings.Fields(englishCommon) {
		if e := w.lookup[word]; e.in(english) {
			w.common[e.idx[english]] = true
		}
	}
	w.bigrams = make(map[[2]rune]bool)
	simpToTrad := make(map[rune]rune, 2048)
	for i, s := range w.words[chineseSimplified] {
		a, _ := utf8.DecodeRuneInString(s)
		b, _ := utf8.DecodeRuneInString(w.words[chineseTraditional][i])
		simpToTrad[a] = b
	}
	for _, word := range strings.Fields(chineseCommon) {
		rs := []rune(word)
		for i := 0; i+1 < len(rs); i++ {
			w.bigrams[[2]rune{rs[i], rs[i+1]}] = true
			a, b := rs[i], rs[i+1]
			if t, ok := simpToTrad[a]; ok {
				a = t
			}
			if t, ok := simpToTrad[b]; ok {
				b = t
			}
			w.bigrams[[2]rune{a, b}] = true
		}
	}
	return w, nil
}

func (w *wordlists) add(key string, l lang, i int) {
	e := w.lookup[key]
	if e == nil {
		e = &entry{}
		w.lookup[key] = e
	}
	if e.mask&l.bit() != 0 && int(e.idx[l]) != i {
		// Cannot happen with the official lists (checked by the tests): keep
		// the first index so that lookups stay deterministic.
		return
	}
	e.mask |= l.bit()
	e.idx[l] = uint16(i)
}

// stripMarks removes combining marks (accents) from an NFKD string.
func stripMarks(s string) string {
	if !hasMark(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasMark(s string) bool {
	for _, r := range s {
		if r >= 0x300 && unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}

// find looks up one token (a run of letters from the message) in all lists:
// case-insensitive, NFKD-normalized, and for the Latin lists also with its
// accents removed.
func (w *wordlists) find(tok string, buf *[64]byte) *entry {
	if len(tok) > len(buf) {
		return nil
	}
	ascii := true
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if ascii {
		return w.lookup[string(buf[:len(tok)])]
	}
	if e, ok := w.lookup[tok]; ok { // Chinese characters, and already-NFKD input
		return e
	}
	key := norm.NFKD.String(strings.ToLower(tok))
	e := w.lookup[key]
	if s := stripMarks(key); s != key {
		if f := w.lookup[s]; f != nil && f.mask&latinMask&^maskOf(e) != 0 {
			// Merge: the accent-stripped spelling names a Latin word that
			// the exact spelling did not.
			m := &entry{}
			if e != nil {
				*m = *e
			}
			for l := range numLangs {
				if l.latin() && f.in(l) && !m.in(l) {
					m.mask |= l.bit()
					m.idx[l] = f.idx[l]
				}
			}
			e = m
		}
	}
	return e
}

func maskOf(e *entry) uint16 {
	if e == nil {
		return 0
	}
	return e.mask
}
