package kb

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// snippetRunes is the longest snippet, in characters.
const snippetRunes = 160

var (
	mdLink       = regexp.MustCompile(`\[([^\]]*)\]\([^)\s]*\)`)
	mdListMarker = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s+`)
	mdHeading    = regexp.MustCompile(`^\s*#{1,6}\s+`)
)

// PlainText strips the Markdown the help center renders (headings, list
// markers, bold, inline code, links) and keeps the words, one line per
// source line.
func PlainText(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		l = mdHeading.ReplaceAllString(l, "")
		l = mdListMarker.ReplaceAllString(l, "")
		l = strings.TrimPrefix(strings.TrimSpace(l), "> ")
		l = mdLink.ReplaceAllString(l, "$1")
		l = strings.NewReplacer("**", "", "`", "").Replace(l)
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// sentences splits plain text at line breaks and sentence ends.
func sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		start := 0
		rs := []rune(line)
		for i, r := range rs {
			end := strings.ContainsRune("。！？；", r) ||
				(strings.ContainsRune(".!?", r) && (i+1 == len(rs) || rs[i+1] == ' '))
			if end {
				if s := strings.TrimSpace(string(rs[start : i+1])); s != "" {
					out = append(out, s)
				}
				start = i + 1
			}
		}
		if s := strings.TrimSpace(string(rs[start:])); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// snippet picks the body sentence that holds the most (rarest) query
// terms, or the first one when none does, and shortens it.
func (ix *index) snippet(d *doc, terms map[string]float64) string {
	best, bestScore := "", 0.0
	for _, s := range d.sentences {
		score := 0.0
		for t, w := range terms {
			if s.terms[t] {
				score += w * ix.idf(t)
			}
		}
		if score > bestScore {
			best, bestScore = s.text, score
		}
	}
	if best == "" && len(d.sentences) > 0 {
		best = d.sentences[0].text
	}
	return shorten(best, snippetRunes)
}

// shorten cuts s to at most n characters, ending with "…" when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimSpace(string(rs[:n-1])) + "…"
}
