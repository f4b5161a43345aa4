// Package kb holds the help-center knowledge base: articles with example
// user questions, plus a bundled demo set for wallet operators.
package kb

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Article is one knowledge-base entry in one locale. The same ID is shared
// by the translations of a topic.
type Article struct {
	ID       string `json:"id"`
	Locale   string `json:"locale"`
	Category string `json:"category"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	// Questions are example user phrasings that this article answers.
	Questions []string `json:"questions"`
	// Status is StatusPublished (the default) or StatusDraft.
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Article statuses: only published articles are shown to the public.
const (
	StatusPublished = "published"
	StatusDraft     = "draft"
)

// Locales lists the supported article locales.
var Locales = []string{"en", "zh-CN"}

// KnownLocale reports whether l is one of Locales.
func KnownLocale(l string) bool {
	for _, k := range Locales {
		if k == l {
			return true
		}
	}
	return false
}

// KnownStatus reports whether s is StatusPublished or StatusDraft.
func KnownStatus(s string) bool { return s == StatusPublished || s == StatusDraft }

// idPattern keeps ids usable as file names (export writes <locale>/<id>.md).
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)

// Normalize trims the text fields, turns CRLF into LF and defaults an empty
// status to StatusPublished.
func (a *Article) Normalize() {
	a.ID, a.Locale, a.Category = strings.TrimSpace(a.ID), strings.TrimSpace(a.Locale), strings.TrimSpace(a.Category)
	a.Title = strings.TrimSpace(a.Title)
	a.Body = strings.TrimSpace(strings.ReplaceAll(a.Body, "\r\n", "\n"))
	qs := make([]string, 0, len(a.Questions))
	for _, q := range a.Questions {
		qs = append(qs, strings.TrimSpace(q))
	}
	a.Questions = qs
	a.Status = strings.TrimSpace(a.Status)
	if a.Status == "" {
		a.Status = StatusPublished
	}
}

// Validate checks what ParseArticle checks, plus the id's shape, the locale
// and the status, so that a valid article can be written with Format and
// read back with ParseArticle unchanged. Call Normalize first.
func (a Article) Validate() error {
	switch {
	case !idPattern.MatchString(a.ID):
		return fmt.Errorf("id %q must be 1-100 characters of a-z, 0-9, \"-\" and \"_\", starting with a letter or digit", a.ID)
	case !KnownLocale(a.Locale):
		return fmt.Errorf("unknown locale %q (use one of %s)", a.Locale, strings.Join(Locales, ", "))
	case !KnownCategory(a.Category):
		return fmt.Errorf("unknown category %q (use one of %s)", a.Category, strings.Join(Categories, ", "))
	case a.Title == "":
		return fmt.Errorf("title is empty")
	case strings.ContainsAny(a.Title, "\r\n"):
		return fmt.Errorf("title must be one line")
	case a.Body == "":
		return fmt.Errorf("body is empty")
	case len(a.Questions) == 0:
		return fmt.Errorf("no questions: an article needs at least one example question")
	case !KnownStatus(a.Status):
		return fmt.Errorf("unknown status %q (use %q or %q)", a.Status, StatusPublished, StatusDraft)
	}
	for i, q := range a.Questions {
		if q == "" {
			return fmt.Errorf("question %d is empty", i+1)
		}
		if strings.ContainsAny(q, "\r\n") {
			return fmt.Errorf("question %d must be one line", i+1)
		}
	}
	return nil
}

// Format writes a in the Markdown format ParseArticle reads. The status
// line is written only for drafts, so published articles look exactly like
// the bundled demo files. Timestamps are not part of the file.
func Format(a Article) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	fmt.Fprintf(&b, "id: %s\n", quoteValue(a.ID))
	fmt.Fprintf(&b, "locale: %s\n", quoteValue(a.Locale))
	fmt.Fprintf(&b, "category: %s\n", quoteValue(a.Category))
	fmt.Fprintf(&b, "title: %s\n", quoteValue(a.Title))
	if a.Status != "" && a.Status != StatusPublished {
		fmt.Fprintf(&b, "status: %s\n", quoteValue(a.Status))
	}
	b.WriteString("questions:\n")
	for _, q := range a.Questions {
		fmt.Fprintf(&b, "  - %s\n", quoteValue(q))
	}
	b.WriteString("---\n")
	b.WriteString(a.Body)
	b.WriteString("\n")
	return b.Bytes()
}

// quoteValue wraps v in double quotes when ParseArticle would otherwise
// change it: a " #" comment, surrounding quotes or spaces, or a leading "#".
// ParseArticle strips exactly one pair of quotes and no escapes, so any
// one-line value survives being wrapped.
func quoteValue(v string) string {
	if v == "" || strings.Contains(v, " #") || strings.TrimSpace(v) != v ||
		strings.HasPrefix(v, "#") || strings.HasPrefix(v, "\"") || strings.HasPrefix(v, "'") ||
		strings.HasSuffix(v, "\"") || strings.HasSuffix(v, "'") {
		return "\"" + v + "\""
	}
	return v
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
		case "status":
			if !KnownStatus(val) {
				return a, errf(ln, "unknown status %q (use %q or %q)", val, StatusPublished, StatusDraft)
			}
			a.Status = val
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
	if a.Status == "" {
		a.Status = StatusPublished
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
