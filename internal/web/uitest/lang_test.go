package uitest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The console's language button switches between English and Simplified
// Chinese, and the choice survives a reload.
func TestConsoleLanguageSwitch(t *testing.T) {
	signOut := map[string]string{"en": "Sign out", "zh-CN": "退出登录"}
	other := map[string]string{"en": "zh-CN", "zh-CN": "en"}
	e := start(t)
	agent := e.person(t)
	e.signIn(t, agent)

	type shown struct {
		Lang    string `json:"lang"`
		SignOut string `json:"signOut"`
		Switch  string `json:"switch"`
	}
	read := func() shown {
		return eval[shown](t, agent, `({
  lang: document.documentElement.lang,
  signOut: document.querySelector('[data-testid=sign-out]').textContent.trim(),
  switch: document.querySelector('[data-testid=lang-switch]').textContent.trim(),
})`)
	}
	waitLang := func(lang string) {
		t.Helper()
		waitJS(t, agent, "the console is in "+lang,
			`document.documentElement.lang === `+js(lang)+` &&
			 document.querySelector('[data-testid=sign-out]')?.textContent.trim() === `+js(signOut[lang]))
	}

	start := read()
	if _, ok := signOut[start.Lang]; !ok || start.SignOut != signOut[start.Lang] {
		t.Fatalf("the console starts as %+v, want en or zh-CN with the matching sign-out label", start)
	}
	next := other[start.Lang]

	do(t, agent, "click the language switch", chromedp.Click(testid("lang-switch")))
	waitLang(next)
	switched := read()
	if switched.Switch == start.Switch {
		t.Errorf("the language button still reads %q after switching", switched.Switch)
	}
	// The page was rebuilt in place, still signed in, still on the inbox.
	waitJS(t, agent, "the inbox is still shown", `document.querySelector('[data-testid=conversation-list]')`)

	do(t, agent, "reload the console", chromedp.Reload(), chromedp.WaitVisible(testid("sign-out")))
	waitLang(next)

	do(t, agent, "switch back", chromedp.Click(testid("lang-switch")))
	waitLang(start.Lang)
	if back := read(); back != start {
		t.Errorf("after switching back the console shows %+v, want %+v", back, start)
	}
}
