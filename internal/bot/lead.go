package bot

import (
	"strings"
	"unicode/utf8"
)

// leadPart is the first useful part of an article body for a chat answer,
// at most max runes of whole Markdown blocks: the opening paragraph (the
// article's summary), and when that is only a short lead-in ("Steps:"), the
// blocks after it up to the first list of steps, cut after the last item
// that fits. Tables and headings are skipped (a bubble cannot show them
// well); a paragraph longer than max is cut at its last sentence end that
// fits. The result never leaves a "**" or "`" open.
func leadPart(body string, max int) string {
	var out []string
	used := 0
	for _, block := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" || isTable(block) || strings.HasPrefix(block, "#") {
			continue
		}
		n := utf8.RuneCountInString(block)
		list := isList(block)
		switch {
		case used+n <= max:
			out = append(out, block)
			used += n
		case list:
			if part := fitItems(block, max-used); part != "" {
				out = append(out, part)
			}
			return strings.Join(out, "\n\n")
		case len(out) == 0:
			return cutSentence(block, max)
		default:
			return strings.Join(out, "\n\n")
		}
		// A list of steps ends the lead; so does a paragraph that says
		// enough on its own.
		if list || (used >= max/3 && !leadIn(block)) {
			break
		}
	}
	return strings.Join(out, "\n\n")
}

// leadIn reports a block that introduces what follows: "Steps:",
// "**Steps**", "操作步骤：".
func leadIn(block string) bool {
	if strings.HasSuffix(block, ":") || strings.HasSuffix(block, "：") {
		return true
	}
	return strings.HasPrefix(block, "**") && strings.HasSuffix(block, "**") && !strings.Contains(block, "\n")
}

func isTable(block string) bool {
	for _, l := range strings.Split(block, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "|") {
			return false
		}
	}
	return true
}

func isList(block string) bool {
	l := strings.TrimSpace(block)
	if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "+ ") {
		return true
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// fitItems keeps the list's leading items (with their continuation lines)
// that fit in max runes.
func fitItems(block string, max int) string {
	var items []string
	for _, l := range strings.Split(block, "\n") {
		if isList(l) || len(items) == 0 {
			items = append(items, l)
		} else {
			items[len(items)-1] += "\n" + l
		}
	}
	var kept []string
	used := 0
	for _, it := range items {
		n := utf8.RuneCountInString(it) + 1
		if used+n > max {
			break
		}
		kept = append(kept, it)
		used += n
	}
	return strings.Join(kept, "\n")
}

// cutSentence cuts a paragraph to at most max runes: after the last
// sentence end that fits, else at the last space, with "…".
func cutSentence(p string, max int) string {
	r := []rune(p)
	if len(r) <= max {
		return p
	}
	r = r[:max]
	cut := -1
	for i := len(r) - 1; i >= max/3; i-- {
		if strings.ContainsRune("。！？.!?", r[i]) && (i+1 == len(r) || r[i+1] == ' ' || r[i] > 0x7f) {
			cut = i + 1
			break
		}
	}
	var s string
	if cut > 0 {
		s = string(r[:cut])
	} else {
		s = string(r)
		if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
			s = s[:i]
		}
		s = strings.TrimSpace(s) + "…"
	}
	return closeMarks(s)
}

// closeMarks drops a "**" or "`" the cut left open, so the rest of the
// message does not turn bold or into code.
func closeMarks(s string) string {
	if strings.Count(s, "`")%2 == 1 {
		i := strings.LastIndexByte(s, '`')
		s = s[:i] + s[i+1:]
	}
	if strings.Count(s, "**")%2 == 1 {
		i := strings.LastIndex(s, "**")
		s = s[:i] + s[i+2:]
	}
	return s
}
