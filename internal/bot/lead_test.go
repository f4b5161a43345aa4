package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/kb"
)

func TestLeadPart(t *testing.T) {
	long := strings.Repeat("Word after word. ", 40)
	for _, c := range []struct{ name, body, want string }{
		{"a short summary then steps",
			"Add it by its **contract address**.\n\n**Steps**\n\n1. Switch network.\n2. Tap **+**.\n\nMore text later.",
			"Add it by its **contract address**.\n\n**Steps**\n\n1. Switch network.\n2. Tap **+**."},
		{"a long first paragraph is enough",
			strings.Repeat("a", 200) + ".\n\nSecond paragraph.", strings.Repeat("a", 200) + "."},
		{"a table and a heading are skipped",
			"# Heading\n\n| a | b |\n|---|---|\n\nThe point.", "The point."},
		{"a lead-in with a colon takes the list",
			"Do this:\n\n- one\n- two", "Do this:\n\n- one\n- two"},
		{"only the list items that fit",
			"Steps:\n\n1. " + strings.Repeat("x", 300) + "\n2. " + strings.Repeat("y", 300),
			"Steps:\n\n1. " + strings.Repeat("x", 300)},
		{"a paragraph over the bound is cut at a sentence",
			long, strings.TrimSpace(long[:len("Word after word. ")*23])},
		{"a Chinese paragraph is cut at 。",
			strings.Repeat("请先备份助记词。", 60), strings.Repeat("请先备份助记词。", 50)},
		{"a cut never leaves bold open",
			strings.Repeat("word ", 70) + "**bold " + strings.Repeat("word ", 30) + "end**",
			strings.TrimSpace(strings.Repeat("word ", 70)) + " bold" + strings.Repeat(" word", 8) + "…"},
	} {
		if got := leadPart(c.body, maxAnswerRunes); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// TestAnswerBodyOfEveryDemoArticle: an answer quotes the article's first
// useful part, bounded, with balanced marks, the title in bold and a link
// to the whole article, in the article's language.
func TestAnswerBodyOfEveryDemoArticle(t *testing.T) {
	arts, err := kb.Demo()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arts {
		url := "https://desk.example/help/" + a.Locale + "/" + a.ID
		body := answerBody(a.Locale, a, url)
		lead := leadPart(a.Body, maxAnswerRunes)
		if n := utf8.RuneCountInString(lead); n == 0 || n > maxAnswerRunes+1 {
			t.Errorf("%s/%s: lead part of %d runes: %q", a.Locale, a.ID, n, lead)
		}
		if strings.Count(lead, "**")%2 != 0 || strings.Count(lead, "`")%2 != 0 {
			t.Errorf("%s/%s: lead part leaves a mark open: %q", a.Locale, a.ID, lead)
		}
		if strings.Contains(lead, "|---") {
			t.Errorf("%s/%s: lead part quotes a table: %q", a.Locale, a.ID, lead)
		}
		more, ask := "[Read the full article]("+url+")", "Did this solve your problem?"
		if a.Locale == LocaleZH {
			more, ask = "[查看完整文章]("+url+")", "这解决了您的问题吗？"
		}
		if !strings.HasPrefix(body, "**"+a.Title+"**\n\n"+lead) || !strings.Contains(body, more) || !strings.HasSuffix(body, ask) {
			t.Errorf("%s/%s: answer body = %q", a.Locale, a.ID, body)
		}
		if utf8.RuneCountInString(body) >= utf8.RuneCountInString(a.Body)+200 && len(a.Body) > 2*maxAnswerRunes {
			t.Errorf("%s/%s: the answer is not shorter than the article", a.Locale, a.ID)
		}
	}
}
