package helpcenter_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
)

// TestHelpSearchAnyLanguage: what the reader types decides where it can
// match, not the page's language; results come in the reader's language
// where the article exists in it, and every page offers the chat.
func TestHelpSearchAnyLanguage(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		// A Chinese question from the English page finds the English article.
		st, _, body := getPage(t, s, "/help/search?lang=en&q="+url.QueryEscape("转账没到账"), "")
		if st != http.StatusOK {
			t.Fatalf("Chinese search from the English page: %d", st)
		}
		first := firstResult(t, body)
		if !strings.Contains(first, `href="/help/en/pending-transfer"`) || !strings.Contains(first, "My transfer is pending") {
			t.Errorf("Chinese search from the English page: first result %q, want the English pending-transfer article", first)
		}
		// And an English question from the Chinese page, the Chinese one.
		_, _, body = getPage(t, s, "/help/search?lang=zh-CN&q="+url.QueryEscape("my transaction has been stuck for hours"), "")
		if first := firstResult(t, body); !strings.Contains(first, `href="/help/zh-CN/pending-transfer"`) {
			t.Errorf("English search from the Chinese page: first result %q", first)
		}

		// The API does the same with ?lang=.
		var out struct {
			Results []struct{ ID, Locale, Title, URL string } `json:"results"`
		}
		s.JSON(t, "GET", "/api/v1/public/kb/search?lang=en&q="+url.QueryEscape("转账没到账"), "", nil, http.StatusOK, &out)
		if len(out.Results) == 0 || out.Results[0].ID != "pending-transfer" || out.Results[0].Locale != "en" ||
			out.Results[0].URL != "/help/en/pending-transfer" || out.Results[0].Title != "My transfer is pending" {
			t.Errorf("API, Chinese query for an English reader: %+v", out.Results)
		}
		for _, r := range out.Results {
			if r.Locale != "en" {
				t.Errorf("API: %s answered in %s although it exists in English", r.ID, r.Locale)
			}
		}
		if st, b := s.Do(t, "GET", "/api/v1/public/kb/search?lang=fr&q=gas", "", nil); st != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
			t.Errorf("unknown reader language: %d %s, want 400 invalid", st, b)
		}

		// "Still need help?" opens the chat, in each language.
		chat := `href="/chat/` + s.InboxKey + `"`
		for path, words := range map[string]string{
			"/help?lang=en":                   "Still need help?",
			"/help?lang=zh-CN":                "仍未解决？",
			"/help/en/pending-transfer":       "Chat with support",
			"/help/search?lang=zh-CN&q=gas":   "联系在线客服",
			"/help/en/no-such-article-at-all": "Still need help?",
		} {
			_, _, body := getPage(t, s, path, "")
			if !strings.Contains(body, chat) || !strings.Contains(body, words) {
				t.Errorf("%s: no %q link to the chat (%s)", path, words, chat)
			}
		}
	})
}

// firstResult is the first item of a search page's results list.
func firstResult(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<ol class="results">`)
	if i < 0 {
		t.Fatalf("no results list in the page")
	}
	rest := body[i:]
	j := strings.Index(rest, "</li>")
	if j < 0 {
		t.Fatalf("an empty results list")
	}
	return rest[:j]
}
