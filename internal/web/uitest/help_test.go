package uitest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

type helpLayout struct {
	InnerWidth  float64 `json:"innerWidth"`
	ScrollWidth float64 `json:"scrollWidth"`
	// Wide lists elements whose right edge is past the screen's.
	Wide []string `json:"wide"`
	// Styled: the stylesheet applied (it is a separate file under the CSP).
	Styled bool `json:"styled"`
}

const helpLayoutJS = `(() => ({
  innerWidth: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map((el) => el.tagName + (el.className ? '.' + el.className : '')),
  styled: getComputedStyle(document.body).marginTop === '0px',
}))()`

// checkHelpLayout fails the test when a help page scrolls sideways on the
// phone or its stylesheet did not load.
func checkHelpLayout(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	l := eval[helpLayout](t, ctx, helpLayoutJS)
	if l.InnerWidth != 390 {
		t.Fatalf("%s: the viewport is %v wide, want the emulated 390", when, l.InnerWidth)
	}
	if l.ScrollWidth > l.InnerWidth || len(l.Wide) > 0 {
		t.Errorf("%s: the page scrolls sideways: scrollWidth %v > %v, too wide: %v", when, l.ScrollWidth, l.InnerWidth, l.Wide)
	}
	if !l.Styled {
		t.Errorf("%s: the stylesheet was not applied", when)
	}
}

// The help center on a phone, as a Chinese-speaking wallet user finds it:
// search in their own words, open the answer, say it helped.
func TestHelpCenterPhone(t *testing.T) {
	e := start(t)
	phone := e.person(t)
	do(t, phone, "emulate a 390×844 phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	do(t, phone, "open the help center",
		chromedp.Navigate(e.srv.URL+"/help"+"?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)))
	if h1 := eval[string](t, phone, `document.querySelector('h1').textContent`); h1 != "帮助中心" {
		t.Errorf("home page heading %q, want 帮助中心", h1)
	}
	checkHelpLayout(t, phone, "home page")

	// The Chinese dictionary loads on the first Chinese search (seconds, far
	// more under the race detector); load it now so the browser's waits
	// measure the page, not the dictionary.
	warm := &http.Client{Timeout: 10 * time.Minute}
	resp, err := warm.Get(e.srv.URL + "/api/v1/public/kb/search?locale=zh-CN&q=" + url.QueryEscape("钱包"))
	if err != nil {
		t.Fatalf("warm the Chinese search: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("warm the Chinese search: HTTP %d", resp.StatusCode)
	}
	do(t, phone, "search in Chinese",
		chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "钱被盗了怎么办"),
		chromedp.Click(chromedp.CSS(`form.search button`)))
	waitJS(t, phone, "the results page", `location.pathname === '/help/search' && document.querySelector('.results a')`)
	first := eval[string](t, phone, `document.querySelector('.results a').getAttribute('href')`)
	if first != "/help/zh-CN/funds-stolen" {
		t.Errorf("first result links to %q, want /help/zh-CN/funds-stolen", first)
	}
	if q := eval[string](t, phone, `document.querySelector('input[name=q]').value`); q != "钱被盗了怎么办" {
		t.Errorf("the search box holds %q after searching", q)
	}
	checkHelpLayout(t, phone, "results page")
	browsertest.Shot(t, phone, "help-results-phone")

	do(t, phone, "open the first result", chromedp.Click(chromedp.CSS(`.results a`)))
	waitJS(t, phone, "the article page", `location.pathname === '/help/zh-CN/funds-stolen' && document.querySelector('#feedback button')`)
	if h1 := eval[string](t, phone, `document.querySelector('h1').textContent`); h1 != "资产被盗怎么办" {
		t.Errorf("article heading %q", h1)
	}
	crumbs := eval[string](t, phone, `document.querySelector('.crumbs').textContent`)
	if !strings.Contains(crumbs, "帮助中心") || !strings.Contains(crumbs, "资产被盗") {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	checkHelpLayout(t, phone, "article page")

	do(t, phone, "answer that it helped", chromedp.Click(chromedp.CSS(`#feedback button[value=yes]`)))
	waitJS(t, phone, "the thanks", `document.querySelector('.thanks') && location.search.includes('voted')`)
	if got := eval[string](t, phone, `document.querySelector('.thanks').textContent`); got != "感谢你的反馈！" {
		t.Errorf("thanks reads %q", got)
	}
	if n := e.srv.Count(t, "SELECT COUNT(*) FROM help_votes WHERE article_id = ? AND locale = ? AND helpful = 1 AND not_helpful = 0",
		"funds-stolen", "zh-CN"); n != 1 {
		t.Errorf("the vote is not stored (%d rows)", n)
	}
	checkHelpLayout(t, phone, "after voting")
	browsertest.Shot(t, phone, "help-article-phone")
}
