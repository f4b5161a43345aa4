package uitest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// An answer the visitor marked not solved is listed apart from the
// questions no article answered: labelled "Article did not help", with a
// link to the article in the knowledge base; one group reads "1 group".
func TestUnansweredShowsTheArticleThatDidNotHelp(t *testing.T) {
	e := startAs(t, "supervisor")
	e.srv.EnableBot(t)
	conv, tok := e.srv.StartConversation(t)
	e.srv.Send(t, conv, tok, "q1", "How do I back up my seed phrase?")
	type botMsg struct {
		Seq       int64  `json:"seq"`
		Direction string `json:"direction"`
		Meta      *struct {
			Kind     string `json:"kind"`
			Articles []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"articles"`
		} `json:"meta"`
	}
	var answer botMsg
	eventually(t, "the bot's answer", func() (bool, string) {
		var out struct {
			Messages []botMsg `json:"messages"`
		}
		e.srv.JSON(t, "GET", "/api/v1/conversations/"+conv+"/messages", e.srv.AdminToken, nil, http.StatusOK, &out)
		for _, m := range out.Messages {
			if m.Direction == "bot" && m.Meta != nil && m.Meta.Kind == "answer" && len(m.Meta.Articles) == 1 {
				answer = m
				return true, ""
			}
		}
		return false, fmt.Sprint(out.Messages)
	})
	if st, body := e.srv.Do(t, "POST", "/api/v1/widget/conversations/"+conv+"/bot-feedback", tok,
		map[string]any{"seq": answer.Seq, "action": "not_solved"}); st != http.StatusOK {
		t.Fatalf("not solved: HTTP %d %s", st, body)
	}
	art := answer.Meta.Articles[0]

	ctx := e.person(t)
	exceptions := watchExceptions(ctx)
	e.signIn(t, ctx)
	do(t, ctx, "open the unanswered questions", chromedp.Click(testid("nav-unanswered")))
	waitJS(t, ctx, "the page finished loading",
		`location.hash === '#/unanswered' && !document.querySelector('[data-testid=unanswered-list]').hasAttribute('aria-busy')`)
	shown := eval[struct {
		Summary string   `json:"summary"`
		Kinds   []string `json:"kinds"`
		Badge   string   `json:"badge"`
		Links   []string `json:"links"` // "text|href"
	}](t, ctx, `({
  summary: document.querySelector('[data-testid=unanswered-summary]').textContent,
  kinds: [...document.querySelectorAll('[data-testid=unanswered-group] [data-testid=unanswered-kind]')].map((k) => k.dataset.kind),
  badge: document.querySelector('[data-testid=unanswered-kind]')?.textContent || '',
  links: [...document.querySelectorAll('[data-testid=unanswered-article]')].map((a) => a.textContent + '|' + a.getAttribute('href')),
})`)
	if shown.Summary != "1 group of questions in the last 30 days." {
		t.Errorf("summary %q, want the singular", shown.Summary)
	}
	if len(shown.Kinds) != 1 || shown.Kinds[0] != "not_helpful" || shown.Badge != "Article did not help" {
		t.Errorf("groups of kinds %q (badge %q), want one not_helpful", shown.Kinds, shown.Badge)
	}
	if want := art.Title + "|#/kb/en/" + art.ID; len(shown.Links) != 1 || shown.Links[0] != want {
		t.Errorf("article links %q, want %q", shown.Links, want)
	}
	do(t, ctx, "open the article that did not help", chromedp.Click(testid("unanswered-article")))
	waitJS(t, ctx, "the article opens in the knowledge base",
		`location.hash === `+js("#/kb/en/"+art.ID)+` && document.querySelector('[data-testid=kb-view-title], [data-testid=kb-editor]')`)
	if ex := exceptions(); len(ex) > 0 {
		t.Errorf("the console threw %q", ex)
	}
}
