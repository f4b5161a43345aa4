package guard

import (
	"strings"
	"unicode/utf8"
)

// Fillers are the words people put between the pieces of a mnemonic: "6
// words (continued) 6 words", "… and then …", "6字 还有 6字". Taking them out
// can only join words; a join counts only when it makes a checksum-valid
// mnemonic that passes the usual tests. Matched by hand, not by a regular
// expression: this runs on every message with a dozen wordlist words, and
// Go's regexp took 10-30 µs per message.

// englishFillers are whole words or phrases (words separated by spaces),
// matched without regard to case, longest first.
var englishFillers = [][]string{
	{"the", "rest", "is"}, {"and", "then"}, {"the", "rest"}, {"followed", "by"}, {"after", "that"},
	{"and"}, {"then"}, {"next"}, {"plus"}, {"continued"}, {"continuing"}, {"cont"}, {"contd"}, {"more"},
	{"rest"}, {"remaining"}, {"last"}, {"final"}, {"part"}, {"page"}, {"line"}, {"word"}, {"words"},
}

// chineseFillers are matched as they are, longest first.
var chineseFillers = []string{"接下来是", "然后是", "后面是", "剩下的", "下面是", "接下来",
	"还有", "接着", "然后", "以及", "后面", "继续", "剩下", "再来", "最后"}

// fillerAt reports whether a filler starts at byte i of text, and where it
// ends. i must be the start of a word (callers check the byte before).
func fillerAt(text string, i int) (int, bool) {
	c := text[i]
	if isLetter(c) {
		switch c | 0x20 { // the first letters of englishFillers
		case 't', 'a', 'f', 'n', 'p', 'c', 'm', 'r', 'l', 'w':
		default:
			return 0, false
		}
		for _, ph := range englishFillers {
			if end, ok := phraseAt(text, i, ph); ok {
				return end, true
			}
		}
		return 0, false
	}
	if c < utf8.RuneSelf {
		return 0, false
	}
	switch r, _ := utf8.DecodeRuneInString(text[i:]); r {
	case '接', '然', '后', '剩', '下', '还', '以', '继', '再', '最', '第':
	default:
		return 0, false
	}
	for _, f := range chineseFillers {
		if strings.HasPrefix(text[i:], f) {
			return i + len(f), true
		}
	}
	// 第一部分, 第2段, 第三行: an ordinal and a unit, and a colon.
	if !strings.HasPrefix(text[i:], "第") {
		return 0, false
	}
	j := i + len("第")
	n := 0
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !('0' <= r && r <= '9' || strings.ContainsRune("一二三四五六七八九十", r)) {
			break
		}
		j += size
		n++
	}
	if n == 0 || n > 3 {
		return 0, false
	}
	for _, unit := range []string{"部分", "段", "行", "组", "句", "个"} {
		if strings.HasPrefix(text[j:], unit) {
			j += len(unit)
			for _, colon := range []string{":", "："} {
				if strings.HasPrefix(text[j:], colon) {
					j += len(colon)
				}
			}
			return j, true
		}
	}
	return 0, false
}

// phraseAt matches the words of ph at byte i, separated by spaces, each
// ending where the letters end.
func phraseAt(text string, i int, ph []string) (int, bool) {
	for k, w := range ph {
		if k > 0 {
			j := i
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n') {
				j++
			}
			if j == i {
				return 0, false
			}
			i = j
		}
		if len(text)-i < len(w) || !strings.EqualFold(text[i:i+len(w)], w) {
			return 0, false
		}
		i += len(w)
		if i < len(text) && (isLetter(text[i]) || '0' <= text[i] && text[i] <= '9') {
			return 0, false
		}
	}
	return i, true
}

// findFillers returns the fillers of text, in order, apart.
func findFillers(text string) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); {
		c := text[i]
		wordStart := isLetter(c) && (i == 0 || !isLetter(text[i-1]) && !('0' <= text[i-1] && text[i-1] <= '9'))
		if wordStart || c >= utf8.RuneSelf {
			if end, ok := fillerAt(text, i); ok {
				out = append(out, [2]int{i, end})
				i = end
				continue
			}
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return out
}

// hasFiller reports whether text holds a filler.
func hasFiller(text string) bool { return len(findFillers(text)) > 0 }
