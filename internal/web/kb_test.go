package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
)

type articleJSON struct {
	ID        string   `json:"id"`
	Locale    string   `json:"locale"`
	Category  string   `json:"category"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	Questions []string `json:"questions"`
	Status    string   `json:"status"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

func listArticles(t *testing.T, s *apptest.Server, path, token string) []articleJSON {
	t.Helper()
	var l struct {
		Articles []articleJSON `json:"articles"`
	}
	s.JSON(t, "GET", path, token, nil, http.StatusOK, &l)
	if l.Articles == nil {
		t.Fatalf("GET %s: articles is null, want a list", path)
	}
	return l.Articles
}

func TestKBArticlesAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		agent := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		super := s.CreateAgent(t, "sun@example.com", "Sun", "supervisor")

		// The bootstrap loaded the demo knowledge base.
		en := listArticles(t, s, "/api/v1/kb/articles?locale=en", agent.Token)
		zh := listArticles(t, s, "/api/v1/kb/articles?locale=zh-CN", agent.Token)
		if len(en) < 40 || len(zh) < 40 {
			t.Fatalf("demo knowledge base: %d en, %d zh-CN articles; want at least 40 each", len(en), len(zh))
		}
		fees := listArticles(t, s, "/api/v1/kb/articles?locale=en&category=fees", agent.Token)
		if len(fees) == 0 || len(fees) >= len(en) {
			t.Errorf("category filter: %d fees articles of %d", len(fees), len(en))
		}
		for _, a := range fees {
			if a.Category != "fees" || a.Locale != "en" || a.Status != "published" || a.CreatedAt == "" {
				t.Errorf("filtered list has %+v", a)
			}
		}

		put := map[string]any{"category": "fees", "title": "Draft about gas", "body": "Not ready.",
			"questions": []string{"is gas refunded"}, "status": "draft"}
		path := "/api/v1/kb/articles/en/gas-refund"
		// Agents read but do not write.
		if st, body := s.Do(t, "PUT", path, agent.Token, put); st != http.StatusForbidden {
			t.Fatalf("agent PUT: %d %s", st, body)
		}
		if st, body := s.Do(t, "DELETE", "/api/v1/kb/articles/en/"+en[0].ID, agent.Token, nil); st != http.StatusForbidden {
			t.Fatalf("agent DELETE: %d %s", st, body)
		}
		var created articleJSON
		s.JSON(t, "PUT", path, super.Token, put, http.StatusOK, &created)
		if created.ID != "gas-refund" || created.Locale != "en" || created.Status != "draft" || created.Title != "Draft about gas" {
			t.Fatalf("created %+v", created)
		}
		var got articleJSON
		s.JSON(t, "GET", path, agent.Token, nil, http.StatusOK, &got)
		if got.Title != created.Title || got.Body != "Not ready." || len(got.Questions) != 1 {
			t.Fatalf("get %+v", got)
		}
		// The demo's ticket-tracking article waits as a draft until
		// tickets exist.
		var drafts []string
		for _, a := range listArticles(t, s, "/api/v1/kb/articles?status=draft&locale=en", agent.Token) {
			drafts = append(drafts, a.ID)
		}
		if slices.Sort(drafts); !slices.Equal(drafts, []string{"gas-refund", "ticket-tracking"}) {
			t.Errorf("drafts = %v, want gas-refund and ticket-tracking", drafts)
		}
		published := 0
		for _, a := range en {
			if a.Status == "published" {
				published++
			}
		}

		// The public list hides drafts and needs no credentials.
		pub := listArticles(t, s, "/api/v1/public/kb/articles?locale=en", "")
		if len(pub) != published || published != len(en)-1 {
			t.Errorf("public list: %d articles, want the %d published of %d", len(pub), published, len(en))
		}
		for _, a := range pub {
			if a.Status != "published" || a.ID == "gas-refund" {
				t.Errorf("public list shows %s (%s)", a.ID, a.Status)
			}
		}

		// Replace: publish it.
		put["status"] = "published"
		put["title"] = "Is gas refunded?"
		s.JSON(t, "PUT", path, super.Token, put, http.StatusOK, &got)
		if got.Status != "published" || got.CreatedAt != created.CreatedAt {
			t.Errorf("replaced %+v (created %+v)", got, created)
		}
		if pub := listArticles(t, s, "/api/v1/public/kb/articles?locale=en", ""); len(pub) != published+1 {
			t.Errorf("public list after publishing: %d, want %d", len(pub), published+1)
		}

		// Bad requests say what is wrong.
		for _, tc := range []struct {
			method, path string
			body         any
			status       int
			want         string
		}{
			{"PUT", path, map[string]any{"category": "fees", "title": "", "body": "b", "questions": []string{"q"}}, 400, "title"},
			{"PUT", path, map[string]any{"category": "nope", "title": "t", "body": "b", "questions": []string{"q"}}, 400, "category"},
			{"PUT", path, map[string]any{"category": "fees", "title": "t", "body": "b"}, 400, "question"},
			{"PUT", path, map[string]any{"category": "fees", "title": "t", "body": "b", "questions": []string{"q"}, "status": "gone"}, 400, "status"},
			{"PUT", "/api/v1/kb/articles/en/Bad%20Id", map[string]any{"category": "fees", "title": "t", "body": "b", "questions": []string{"q"}}, 400, "id"},
			{"PUT", path, "{", 400, ""},
			{"PUT", "/api/v1/kb/articles/fr/x", map[string]any{}, 404, "locale"},
			{"GET", "/api/v1/kb/articles/en/no-such", nil, 404, "no-such"},
			{"DELETE", "/api/v1/kb/articles/en/no-such", nil, 404, "no-such"},
			{"GET", "/api/v1/kb/articles?locale=fr", nil, 400, "locale"},
			{"GET", "/api/v1/public/kb/articles?category=nope", nil, 400, "category"},
		} {
			st, body := s.Do(t, tc.method, tc.path, super.Token, tc.body)
			if st != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("%s %s: %d %s; want %d mentioning %q", tc.method, tc.path, st, body, tc.status, tc.want)
			}
		}

		if st, body := s.Do(t, "DELETE", path, super.Token, nil); st != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", st, body)
		}
		if st, _ := s.Do(t, "GET", path, agent.Token, nil); st != http.StatusNotFound {
			t.Errorf("GET after DELETE: %d", st)
		}
	})
}
