package helpcenter

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// The Markdown the help center renders: "#" headings, paragraphs, "-" and
// "1." lists, **bold**, *emphasis*, `code` and [links](https://…). Everything
// else is shown as text. Every piece of text is escaped, and a link is kept
// only when it is an absolute http(s) URL or a path on this site ("/help/…"),
// so an article can never put markup or script into the page.
//
// The chat and the console render bot messages with the same subset in the
// browser (internal/channel/webchat/static/chat/markdown.js, one module for
// both). Both are held to the cases in testdata/markdown.json: this package's
// TestRenderMarkdown and the browser test TestMarkdownSameInBrowser
// (internal/web/uitest).
var (
	mdHeadingLine = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdBulletLine  = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	mdNumberLine  = regexp.MustCompile(`^\s*\d{1,9}[.)]\s+(.*)$`)
)

// renderMarkdown turns an article body into safe HTML.
func renderMarkdown(md string) template.HTML {
	var b strings.Builder
	var para []string
	var items []string
	list := "" // "ul", "ol" or "" when no list is open
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + renderInline(strings.Join(para, "\n"), 0) + "</p>\n")
			para = nil
		}
	}
	flushList := func() {
		if list == "" {
			return
		}
		b.WriteString("<" + list + ">\n")
		for _, it := range items {
			b.WriteString("<li>" + renderInline(it, 0) + "</li>\n")
		}
		b.WriteString("</" + list + ">\n")
		list, items = "", nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flushPara()
			flushList()
			continue
		}
		if m := mdHeadingLine.FindStringSubmatch(trimmed); m != nil {
			flushPara()
			flushList()
			// The article title is the page's h1, so "#" becomes h2.
			level := min(len(m[1])+1, 6)
			tag := "h" + string(rune('0'+level))
			b.WriteString("<" + tag + ">" + renderInline(m[2], 0) + "</" + tag + ">\n")
			continue
		}
		kind, text := "", ""
		if m := mdBulletLine.FindStringSubmatch(line); m != nil {
			kind, text = "ul", m[1]
		} else if m := mdNumberLine.FindStringSubmatch(line); m != nil {
			kind, text = "ol", m[1]
		}
		switch {
		case kind != "":
			flushPara()
			if kind != list {
				flushList()
				list = kind
			}
			items = append(items, text)
		case list != "" && line != strings.TrimLeft(line, " \t"):
			// An indented line continues the list item above it.
			items[len(items)-1] += "\n" + trimmed
		default:
			flushList()
			para = append(para, strings.TrimPrefix(trimmed, "> "))
		}
	}
	flushPara()
	flushList()
	return template.HTML(b.String())
}

// renderInline renders bold, emphasis, code and links inside one block.
// depth stops a link inside a link, bold inside bold and emphasis inside
// emphasis.
func renderInline(s string, depth int) string {
	var b strings.Builder
	plain := 0 // start of the text not yet written
	emit := func(end int) { b.WriteString(html.EscapeString(s[plain:end])) }
	for i := 0; i < len(s); {
		switch {
		case s[i] == '`':
			if j := strings.IndexByte(s[i+1:], '`'); j >= 0 {
				emit(i)
				b.WriteString("<code>" + html.EscapeString(s[i+1:i+1+j]) + "</code>")
				i += j + 2
				plain = i
				continue
			}
		case strings.HasPrefix(s[i:], "**") && depth&1 == 0:
			if j := strings.Index(s[i+2:], "**"); j > 0 {
				emit(i)
				b.WriteString("<strong>" + renderInline(s[i+2:i+2+j], depth|1) + "</strong>")
				i += j + 4
				plain = i
				continue
			}
		case s[i] == '*' && depth&4 == 0:
			if j := emphasisEnd(s[i:]); j > 0 {
				emit(i)
				b.WriteString("<em>" + renderInline(s[i+1:i+j], depth|4) + "</em>")
				i += j + 1
				plain = i
				continue
			}
		case s[i] == '[' && depth&2 == 0:
			if text, href, n, ok := parseLink(s[i:]); ok {
				emit(i)
				if safeHref(href) {
					b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener noreferrer">` +
						renderInline(text, depth|2) + "</a>")
				} else {
					b.WriteString(renderInline(text, depth|2))
				}
				i += n
				plain = i
				continue
			}
		}
		i++
	}
	emit(len(s))
	return b.String()
}

// emphasisEnd returns the index in s of the "*" closing the single "*"
// that opens s, or -1: the opening mark has no space after it, the closing
// one none before it, and "**" pairs inside are bold, not a close.
func emphasisEnd(s string) int {
	if len(s) < 3 || s[1] == '*' || s[1] == ' ' {
		return -1
	}
	for j := 2; j < len(s); j++ {
		switch {
		case s[j] != '*':
		case j+1 < len(s) && s[j+1] == '*':
			j++ // a "**" pair
		case s[j-1] != ' ':
			return j
		}
	}
	return -1
}

// parseLink reads "[text](href)" at the start of s and returns its parts
// and length.
func parseLink(s string) (text, href string, n int, ok bool) {
	close := strings.Index(s, "](")
	if close < 0 || strings.ContainsAny(s[1:close], "[]\n") {
		return "", "", 0, false
	}
	// The URL ends at the ")" that balances the "(", so URLs holding
	// parentheses (Wikipedia's, for one) stay whole.
	depth, end := 0, -1
	for i, c := range s[close+2:] {
		if c == '(' {
			depth++
		} else if c == ')' {
			if depth == 0 {
				end = i
				break
			}
			depth--
		} else if c == '\n' {
			break
		}
	}
	if end < 0 {
		return "", "", 0, false
	}
	return s[1:close], strings.TrimSpace(s[close+2 : close+2+end]), close + 3 + end, true
}

// safeHref accepts only absolute http and https URLs and paths on this site
// ("/help/en/…", not "//host"), without spaces, quotes or control
// characters.
func safeHref(href string) bool {
	if href == "" || strings.ContainsAny(href, " \t\r\n\"'<>\\`") {
		return false
	}
	for _, r := range href {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	if strings.HasPrefix(href, "/") {
		return !strings.HasPrefix(href, "//")
	}
	u, err := url.Parse(href)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
