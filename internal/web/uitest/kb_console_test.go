package uitest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/browsertest"
)

// startAs is start with the console user in role (supervisors sign in
// without two-factor codes, admins would need them).
func startAs(t *testing.T, role string) *env {
	t.Helper()
	if browsertest.Path() == "" {
		browsertest.New(t) // skips with the install hint
	}
	srv := apptest.Start(t, "sqlite")
	user := srv.CreateAgent(t, "lan@example.com", "Lan Zhou", role)
	return &env{srv: srv, agent: user, browser: browsertest.New(t)}
}

// watchExceptions records the uncaught JavaScript exceptions of the tab.
func watchExceptions(ctx context.Context) func() []string {
	events := chromedp.Events(ctx, runtime.ExceptionThrown)
	var mu sync.Mutex
	var seen []string
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			text := ""
			if d := ev.ExceptionDetails; d != nil {
				text = d.Text
				if d.Exception != nil {
					text += " " + d.Exception.Description
				}
			}
			mu.Lock()
			seen = append(seen, text)
			mu.Unlock()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// choose picks value in the select with data-testid id, as a user does:
// the value changes and the select fires "change".
func choose(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	ok := eval[bool](t, ctx, `(() => {
  const s = document.querySelector('[data-testid=`+id+`]');
  if (!s || s.disabled || ![...s.options].some((o) => o.value === `+js(value)+`)) return false;
  s.value = `+js(value)+`;
  s.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
})()`)
	if !ok {
		t.Fatalf("the select %s is missing, disabled or has no option %q%s", id, value, pageText(ctx))
	}
}

// kbItem is one row of the console's article list.
type kbItem struct {
	ID     string `json:"id"`
	Locale string `json:"locale"`
	Status string `json:"status"`
	Title  string `json:"title"`
}

const kbItemsJS = `[...document.querySelectorAll('[data-testid=kb-list] [data-testid=kb-item]')].map((li) => ({
  id: li.dataset.id, locale: li.dataset.locale, status: li.dataset.status,
  title: li.querySelector('.kb-item-title').textContent,
}))`

// waitKBList waits until the article list is loaded and satisfies ok.
func waitKBList(t *testing.T, ctx context.Context, what string, ok func([]kbItem) bool) []kbItem {
	t.Helper()
	var got []kbItem
	eventually(t, what, func() (bool, string) {
		busy, err := evalErr[bool](ctx, `!document.querySelector('[data-testid=kb-list]') || document.querySelector('[data-testid=kb-list]').hasAttribute('aria-busy')`)
		if err != nil || busy {
			return false, fmt.Sprintf("list loading (%v)", err)
		}
		items, err := evalErr[[]kbItem](ctx, kbItemsJS)
		if err != nil {
			return false, err.Error()
		}
		got = items
		return ok(items), fmt.Sprintf("%d items, first %v", len(items), items[:min(len(items), 3)])
	})
	return got
}

type apiArticle struct {
	ID        string   `json:"id"`
	Locale    string   `json:"locale"`
	Category  string   `json:"category"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Questions []string `json:"questions"`
	Status    string   `json:"status"`
}

// A supervisor opens the knowledge base, finds the demo articles, filters
// them to Chinese, writes a new article (the API's validation error shows
// beside the form first), checks what the API stored, renames the article
// and deletes it.
func TestKBConsoleSupervisorWritesArticle(t *testing.T) {
	const (
		id       = "refund-failed-fee"
		title    = "转账失败，手续费能退吗？"
		renamed  = "转账失败后手续费会退回吗？"
		bodyText = "**不能退回**\n\n- 矿工费付给了网络\n- 失败的交易也消耗了算力"
	)
	questions := []string{"转账失败了矿工费还扣吗", "失败的交易手续费能退吗"}
	e := startAs(t, "supervisor")
	var all struct {
		Articles []apiArticle `json:"articles"`
	}
	e.srv.JSON(t, "GET", "/api/v1/kb/articles", e.srv.AdminToken, nil, http.StatusOK, &all)
	var zhDemo int
	for _, a := range all.Articles {
		if a.Locale == "zh-CN" {
			zhDemo++
		}
	}
	if zhDemo == 0 || zhDemo == len(all.Articles) {
		t.Fatalf("the demo knowledge base has %d articles, %d in zh-CN; want both languages", len(all.Articles), zhDemo)
	}

	ctx := e.person(t)
	exceptions := watchExceptions(ctx)
	e.signIn(t, ctx)
	do(t, ctx, "open the knowledge base from the navigation", chromedp.Click(testid("nav-kb")))
	waitJS(t, ctx, "the console routes to #/kb", `location.hash === '#/kb' && document.title.length > 0`)
	items := waitKBList(t, ctx, "the list shows every demo article", func(items []kbItem) bool { return len(items) == len(all.Articles) })
	if !slices.ContainsFunc(items, func(i kbItem) bool { return i.Locale == "en" }) {
		t.Errorf("the unfiltered list has no English article: %v", items[:min(len(items), 5)])
	}

	choose(t, ctx, "kb-filter-locale", "zh-CN")
	items = waitKBList(t, ctx, "the list shows only the Chinese articles", func(items []kbItem) bool {
		return len(items) == zhDemo && !slices.ContainsFunc(items, func(i kbItem) bool { return i.Locale != "zh-CN" })
	})
	browsertest.Shot(t, ctx, "console-kb")

	// A new article: the language follows the filter.
	do(t, ctx, "open the new-article form", chromedp.Click(testid("kb-new")))
	waitJS(t, ctx, "the form for a new article is shown",
		`location.hash === '#/kb/new' && document.querySelector('[data-testid=kb-editor][data-new=true]')`)
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=kb-locale]').value`); got != "zh-CN" {
		t.Errorf("the new article's language is %q, want zh-CN from the filter", got)
	}
	do(t, ctx, "fill in the new article without a body",
		chromedp.SendKeys(testid("kb-id"), id),
		chromedp.SendKeys(testid("kb-title"), title),
		chromedp.SendKeys(testid("kb-questions"), strings.Join(questions, "\n")))
	choose(t, ctx, "kb-category", "fees")
	do(t, ctx, "save without a body", chromedp.Click(testid("kb-save")))
	waitJS(t, ctx, "the API's validation error shows beside the form",
		`(() => { const m = document.querySelector('[data-testid=kb-editor] [data-testid=kb-form-msg]');
		  return m && !m.hidden && m.textContent.includes('body is empty'); })()`)
	if code, _ := e.srv.Do(t, "GET", "/api/v1/kb/articles/zh-CN/"+id, e.srv.AdminToken, nil); code != http.StatusNotFound {
		t.Fatalf("after the refused save GET the article answers %d, want 404", code)
	}

	do(t, ctx, "write the body", chromedp.SendKeys(testid("kb-body"), bodyText))
	waitJS(t, ctx, "the preview renders the Markdown as it is typed",
		`(() => { const p = document.querySelector('[data-testid=kb-preview]');
		  return p.querySelector('strong')?.textContent === '不能退回' && p.querySelectorAll('ul > li').length === 2; })()`)
	do(t, ctx, "save the article", chromedp.Click(testid("kb-save")))
	waitJS(t, ctx, "the saved article is opened", `location.hash === `+js("#/kb/zh-CN/"+id)+` &&
		document.querySelector('[data-testid=kb-editor][data-new=false] [data-testid=kb-id-shown]')?.textContent === `+js(id))
	waitKBList(t, ctx, "the new article is in the list", func(items []kbItem) bool {
		return slices.Contains(items, kbItem{ID: id, Locale: "zh-CN", Status: "draft", Title: title})
	})

	var got apiArticle
	e.srv.JSON(t, "GET", "/api/v1/kb/articles/zh-CN/"+id, e.srv.AdminToken, nil, http.StatusOK, &got)
	want := apiArticle{ID: id, Locale: "zh-CN", Category: "fees", Title: title, Body: bodyText, Questions: questions, Status: "draft"}
	if got.ID != want.ID || got.Locale != want.Locale || got.Category != want.Category || got.Title != want.Title ||
		got.Body != want.Body || !slices.Equal(got.Questions, want.Questions) || got.Status != want.Status {
		t.Fatalf("the API stored %+v, want %+v", got, want)
	}

	// Rename it and publish it.
	eval[bool](t, ctx, `(() => { const el = document.querySelector('[data-testid=kb-title]'); el.focus(); el.select(); return true; })()`)
	do(t, ctx, "type the new title over the old one", chromedp.KeyEvent(renamed))
	choose(t, ctx, "kb-status", "published")
	do(t, ctx, "save the change", chromedp.Click(testid("kb-save")))
	waitKBList(t, ctx, "the list shows the new title", func(items []kbItem) bool {
		return slices.Contains(items, kbItem{ID: id, Locale: "zh-CN", Status: "published", Title: renamed})
	})
	waitJS(t, ctx, "the form says the article was saved",
		`(() => { const m = document.querySelector('[data-testid=kb-pane-msg]'); return m && !m.hidden && m.classList.contains('msgbox-ok'); })()`)
	e.srv.JSON(t, "GET", "/api/v1/kb/articles/zh-CN/"+id, e.srv.AdminToken, nil, http.StatusOK, &got)
	if got.Title != renamed || got.Status != "published" || !slices.Equal(got.Questions, questions) {
		t.Fatalf("after the edit the API has title %q, status %q, questions %q; want %q, published, %q",
			got.Title, got.Status, got.Questions, renamed, questions)
	}

	do(t, ctx, "delete the article and confirm",
		chromedp.Click(testid("kb-delete")),
		chromedp.WaitVisible(testid("kb-delete-confirm")),
		chromedp.Click(testid("kb-delete-confirm")))
	waitJS(t, ctx, "the console goes back to the list", `location.hash === '#/kb'`)
	waitKBList(t, ctx, "the deleted article is gone from the list", func(items []kbItem) bool {
		return len(items) == zhDemo && !slices.ContainsFunc(items, func(i kbItem) bool { return i.ID == id })
	})
	if code, body := e.srv.Do(t, "GET", "/api/v1/kb/articles/zh-CN/"+id, e.srv.AdminToken, nil); code != http.StatusNotFound {
		t.Fatalf("after the delete GET the article answers %d %s, want 404", code, body)
	}

	// On a phone the list and the article take turns.
	do(t, ctx, "emulate a 390×844 phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	waitJS(t, ctx, "on a phone the list shows and the empty pane does not",
		`innerWidth === 390 && document.querySelector('[data-testid=kb-list]').offsetParent &&
		 !document.querySelector('[data-testid=kb-pane]').offsetParent`)
	do(t, ctx, "open a demo article", chromedp.Click(chromedp.CSS(`[data-testid=kb-item] a`)))
	waitJS(t, ctx, "on a phone the article replaces the list",
		`document.querySelector('[data-testid=kb-editor][data-new=false]')?.offsetParent &&
		 !document.querySelector('[data-testid=kb-list]').offsetParent`)
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("on a phone the knowledge base scrolls sideways: scrollWidth %v > 390", w)
	}
	if ex := exceptions(); len(ex) > 0 {
		t.Errorf("the console threw %q", ex)
	}
}

// An agent reads articles but is offered no way to change them.
func TestKBConsoleAgentReadsOnly(t *testing.T) {
	e := startAs(t, "agent")
	ctx := e.person(t)
	e.signIn(t, ctx)
	do(t, ctx, "open a Chinese demo article",
		chromedp.Navigate(e.srv.URL+"/#/kb/zh-CN/add-custom-token"),
		chromedp.WaitVisible(testid("kb-view-title")))
	view := eval[struct {
		Title   string `json:"title"`
		Strong  int    `json:"strong"`
		Editing bool   `json:"editing"`
		Unans   bool   `json:"unans"`
	}](t, ctx, `({
  title: document.querySelector('[data-testid=kb-view-title]').textContent,
  strong: document.querySelectorAll('[data-testid=kb-view-body] strong').length,
  editing: !!document.querySelector('[data-testid=kb-editor], [data-testid=kb-new], [data-testid=kb-delete]'),
  unans: !!document.querySelector('[data-testid=nav-unanswered]'),
})`)
	if view.Title != "如何添加自定义代币" || view.Strong == 0 {
		t.Errorf("the agent sees title %q with %d bold parts, want the demo article rendered", view.Title, view.Strong)
	}
	if view.Editing || view.Unans {
		t.Errorf("an agent is offered editing (%v) or the unanswered questions (%v)", view.Editing, view.Unans)
	}
}

// The unanswered-questions page shows what visitors asked that the bot
// could not answer, and "Write article" opens the editor for a new draft
// filled from the group.
func TestKBConsoleUnansweredWriteArticle(t *testing.T) {
	questions := []string{"Can I stake my pet hamster for yield?", "Can I stake my hamster to earn yield?"}
	e := startAs(t, "supervisor")
	e.srv.EnableBot(t)
	code, _ := e.srv.Do(t, "GET", "/api/v1/bot/unanswered?days=30", e.agent.Token, nil)
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/bot/unanswered answers %d, want 200", code)
	}
	var groups struct {
		Groups []struct {
			Label     string   `json:"label"`
			Count     int      `json:"count"`
			Locale    string   `json:"locale"`
			Questions []string `json:"questions"`
		} `json:"groups"`
	}
	if code == http.StatusOK {
		for i, q := range questions {
			conv, tok := e.srv.StartConversation(t)
			e.srv.Send(t, conv, tok, fmt.Sprintf("hamster-%d", i), q)
		}
		// The bot answers in the background; wait until it gave up on both.
		eventually(t, "both questions listed as unanswered", func() (bool, string) {
			e.srv.JSON(t, "GET", "/api/v1/bot/unanswered?days=30", e.agent.Token, nil, http.StatusOK, &groups)
			n := 0
			for _, g := range groups.Groups {
				n += g.Count
			}
			return n == len(questions), fmt.Sprint(groups.Groups)
		})
	}

	ctx := e.person(t)
	exceptions := watchExceptions(ctx)
	e.signIn(t, ctx)
	do(t, ctx, "open the unanswered questions", chromedp.Click(testid("nav-unanswered")))
	waitJS(t, ctx, "the page finished loading",
		`location.hash === '#/unanswered' && !document.querySelector('[data-testid=unanswered-list]').hasAttribute('aria-busy')`)
	if code == http.StatusOK { // what the page loaded
		e.srv.JSON(t, "GET", "/api/v1/bot/unanswered?days=30", e.agent.Token, nil, http.StatusOK, &groups)
	}
	type shownGroup struct {
		Label     string   `json:"label"`
		Count     string   `json:"count"`
		Questions []string `json:"questions"`
	}
	shown := eval[struct {
		Error  string       `json:"error"`
		Empty  bool         `json:"empty"`
		Groups []shownGroup `json:"groups"`
	}](t, ctx, `(() => { const m = document.querySelector('[data-testid=unanswered-error]'); return {
  error: m.hidden ? '' : m.className + ': ' + m.textContent,
  empty: !!document.querySelector('[data-testid=unanswered-empty]'),
  groups: [...document.querySelectorAll('[data-testid=unanswered-group]')].map((g) => ({
    label: g.querySelector('.ua-label').textContent,
    count: g.querySelector('[data-testid=unanswered-count]').dataset.count,
    questions: [...g.querySelectorAll('[data-testid=unanswered-samples] li')].map((li) => li.textContent),
  })),
}; })()`)
	switch {
	case len(groups.Groups) != 1 || groups.Groups[0].Count != 2:
		t.Fatalf("the two hamster questions are not one group: %+v", groups.Groups)
	default:
		g := groups.Groups[0]
		if shown.Error != "" || len(shown.Groups) != len(groups.Groups) || shown.Groups[0].Label != g.Label ||
			shown.Groups[0].Count != fmt.Sprint(g.Count) || !slices.Equal(shown.Groups[0].Questions, g.Questions) {
			t.Fatalf("the page shows %+v, want the API's groups %+v", shown, groups.Groups)
		}
		do(t, ctx, "write an article for the most asked group",
			chromedp.Click(chromedp.CSS(`[data-testid=unanswered-group]:first-child [data-testid=unanswered-write]`)))
		waitJS(t, ctx, "the editor opens for a new article", `location.hash === '#/kb/new' &&
			document.querySelector('[data-testid=kb-editor][data-new=true]')`)
		form := eval[struct {
			Locale    string `json:"locale"`
			Title     string `json:"title"`
			Questions string `json:"questions"`
			Status    string `json:"status"`
		}](t, ctx, `(() => { const v = (id) => document.querySelector('[data-testid=' + id + ']').value; return {
  locale: v('kb-locale'), title: v('kb-title'), questions: v('kb-questions'), status: v('kb-status'),
}; })()`)
		if form.Locale != g.Locale || form.Title != g.Label || form.Questions != strings.Join(g.Questions, "\n") || form.Status != "draft" {
			t.Errorf("the new article is filled with %+v, want the group's locale %q, label %q, questions %q and draft",
				form, g.Locale, g.Label, g.Questions)
		}
	}
	if ex := exceptions(); len(ex) > 0 {
		t.Errorf("the console threw %q", ex)
	}
}
