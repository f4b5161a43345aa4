// Package lex is how Huiying reads words, in one place: the Chinese word
// segmenter, the stop-word list (English and Chinese), the English
// stemmer, and the tokenizer built from them. The knowledge-base search,
// the help center, the bot's unanswered-question groups and the matcher's
// Chinese reading all cut text here, so a word is the same word wherever
// it is counted.
package lex

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsHan reports whether r is a Chinese character.
func IsHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// HasHan reports whether s contains a Chinese character.
func HasHan(s string) bool { return strings.ContainsFunc(s, IsHan) }

// Terms returns the terms of s in order, with repeats: its words (see
// Words) lower-cased, English ones stemmed, stop words of either language
// dropped. A Chinese word of three or more characters is preceded by the
// dictionary words inside it ("区块浏览器" also gives "区块" and
// "浏览器"), so that a query and an article that write a compound
// differently still share terms.
func Terms(s string) []string { return terms(s, false) }

// IndexTerms returns the terms an indexed document holds: those of Terms
// plus each character of a longer Chinese word, so that a query of one
// character ("钱", "币") also meets the words holding it ("钱包", "盗币")
// and counts for as little as such a common character deserves.
func IndexTerms(s string) []string { return terms(s, true) }

func terms(s string, chars bool) []string {
	var out []string
	for _, w := range Words(s) {
		r, _ := utf8.DecodeRuneInString(w)
		if !IsHan(r) {
			if w = strings.ToLower(w); !IsStop(w) {
				out = append(out, Stem(w))
			}
			continue
		}
		if IsStop(w) {
			continue // nor the words and characters inside it ("怎么" → "怎")
		}
		out = append(shared().inner(w, out), w)
		if chars && utf8.RuneCountInString(w) > 1 {
			for _, r := range w {
				if c := string(r); !IsStop(c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}
