package llm

import (
	"regexp"
	"strconv"
)

// citeRe matches a citation such as [1], [1, 3], [1][2], 【2】 or ［2］;
// models writing Chinese often use full-width brackets and commas.
var (
	citeRe   = regexp.MustCompile(`[\[【［]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】］]`)
	numberRe = regexp.MustCompile(`\d+`)
)

// citations maps the [n] markers in text to source IDs, in order of first
// citation, each once. Numbers outside the sources are ignored.
func citations(text string, sources []Source) []string {
	var ids []string
	seen := map[int]bool{}
	for _, m := range citeRe.FindAllStringSubmatch(text, -1) {
		for _, d := range numberRe.FindAllString(m[1], -1) {
			n, err := strconv.Atoi(d)
			if err != nil || n < 1 || n > len(sources) || seen[n] {
				continue
			}
			seen[n] = true
			ids = append(ids, sources[n-1].ID)
		}
	}
	return ids
}
