package uitest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

// A Chinese question typed into the English help center on a phone finds
// the English article, and "Still need help?" opens the chat.
func TestHelpCenterSearchAnyLanguagePhone(t *testing.T) {
	e := start(t)
	phone := e.person(t)
	do(t, phone, "emulate a 390×844 phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	// Load the Chinese dictionary first, as TestHelpCenterPhone does.
	warm := &http.Client{Timeout: 10 * time.Minute}
	resp, err := warm.Get(e.srv.URL + "/api/v1/public/kb/search?locale=zh-CN&q=" + url.QueryEscape("钱包"))
	if err != nil {
		t.Fatalf("warm the Chinese search: %v", err)
	}
	resp.Body.Close()
	do(t, phone, "open the English help center",
		chromedp.Navigate(e.srv.URL+"/help?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)))
	do(t, phone, "search in Chinese",
		chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "转账没到账"),
		chromedp.Click(chromedp.CSS(`form.search button`)))
	waitJS(t, phone, "the results page", `location.pathname === '/help/search' && document.querySelector('.results a')`)
	if first := eval[string](t, phone, `document.querySelector('.results a').getAttribute('href')`); first != "/help/en/pending-transfer" {
		t.Errorf("first result links to %q, want /help/en/pending-transfer", first)
	}
	if title := eval[string](t, phone, `document.querySelector('.results a').textContent`); title != "My transfer is pending" {
		t.Errorf("first result reads %q, want the English title", title)
	}
	checkHelpLayout(t, phone, "results page")
	browsertest.Shot(t, phone, "help-search-any-language-phone")

	do(t, phone, "tap Still need help?", chromedp.Click(chromedp.CSS(`footer a.chat-link`)))
	waitJS(t, phone, "the chat page", `location.pathname === `+js("/chat/"+e.srv.InboxKey)+` && document.querySelector('[data-testid=chat-input]')`)
}
