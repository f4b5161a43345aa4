// Package uitest holds the browser tests of Huiying: the real server
// (apptest) driven through a real headless Chromium (browsertest, chromedp).
// A visitor uses the chat page and the embeddable widget, an agent uses the
// console, and the tests check what each of them sees, and what the API
// stored.
//
// The tests skip when Chromium is not installed. With -screenshots they
// also write docs/screenshots/*.png:
//
//	go test ./internal/web/uitest/ -args -screenshots
package uitest
