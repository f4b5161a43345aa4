// Package kb holds the help-center knowledge base: articles with example
// user questions, plus a bundled demo set for wallet operators.
package kb

import (
	"bytes"
	"fmt"
	"strings"
)

// Article is one knowledge-base entry in one locale. The same ID is shared
// by the translations of a topic.
type Article struct {
	ID, Locale, Category, Title, Body string
	// Questions are example user phrasings that this article answers.
	Questions []string
}

// Categories lists the allowed article categories.
var Categories = []string{
	"getting-started", "security", "transfers", "fees", "cross-chain",
	"tokens", "dapps", "swaps", "stolen-funds", "contact",
}

// KnownCategory reports whether c is one of Categories.
func KnownCategory(c string) bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// ParseArticle parses a Markdown file with a front matter block delimited by
// "---" lines. Only a tiny YAML subset is accepted: "key: value" pairs and a
// "questions:" list of "  - item" lines. Comments ("# ...") after a value or
// on their own line are ignored. name is used in error messages.
func ParseArticle(name string, b []byte) (Article, error) {
	var a Article
	errf := func(line int, format string, args ...any) error {
		if line > 0 {
			return fmt.Errorf("kb: %s:%d: %s", name, line, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf("kb: %s: %s", name, fmt.Sprintf(format, args...))
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return a, errf(1, "missing front matter: file must start with a \"---\" line")
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return a, errf(0, "unterminated front matter: no closing \"---\" line")
	}
	seen := map[string]bool{}
	inQuestions := false
	for i := 1; i < end; i++ {
		ln := i + 1
		raw := lines[i]
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasPrefix(trimmed, "- ") || trimmed == "-" {
			if !inQuestions {
				return a, errf(ln, "list item outside of \"questions:\"")
			}
			if raw == trimmed {
				return a, errf(ln, "list item must be indented")
			}
			q := unquote(stripComment(strings.TrimSpace(strings.TrimPrefix(trimmed, "-"))))
			if q == "" {
				return a, errf(ln, "empty question")
			}
			a.Questions = append(a.Questions, q)
			continue
		}
		inQuestions = false
		if raw != strings.TrimLeft(raw, " \t") {
			return a, errf(ln, "unexpected indented line %q", trimmed)
		}
		key, val, ok := strings.Cut(raw, ":")
		if !ok {
			return a, errf(ln, "expected \"key: value\", got %q", trimmed)
		}
		key = strings.TrimSpace(key)
		val = unquote(stripComment(strings.TrimSpace(val)))
		if seen[key] {
			return a, errf(ln, "duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "id":
			a.ID = val
		case "locale":
			a.Locale = val
		case "category":
			a.Category = val
		case "title":
			a.Title = val
		case "questions":
			if val != "" {
				return a, errf(ln, "\"questions:\" must be followed by a list of \"  - item\" lines")
			}
			inQuestions = true
		default:
			return a, errf(ln, "unknown key %q", key)
		}
	}
	for _, k := range []struct{ key, val string }{
		{"id", a.ID}, {"locale", a.Locale}, {"category", a.Category}, {"title", a.Title},
	} {
		if k.val == "" {
			return a, errf(0, "missing or empty %q", k.key)
		}
	}
	if !KnownCategory(a.Category) {
		return a, errf(0, "unknown category %q", a.Category)
	}
	if len(a.Questions) == 0 {
		return a, errf(0, "no questions: \"questions:\" needs at least one \"  - item\"")
	}
	a.Body = strings.TrimSpace(strings.Join(lines[end+1:], "\n"))
	if a.Body == "" {
		return a, errf(0, "empty body")
	}
	return a, nil
}

// stripComment removes a trailing " # comment" from an unquoted value.
func stripComment(s string) string {
	if strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "'") {
		return s
	}
	if i := strings.Index(s, " #"); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// unquote strips one pair of matching surrounding quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
