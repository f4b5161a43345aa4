package kb_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestStoreCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.UnixMilli(1_700_000_000_000)
		s := kb.NewStore(db, func() time.Time { return clock })
		if got, err := s.List(ctx, "", "", ""); err != nil || len(got) != 0 {
			t.Fatalf("empty store: %v, %v", got, err)
		}
		a, err := s.Upsert(ctx, kb.Article{ID: "gas", Locale: "en", Category: "fees", Title: " Gas ",
			Body: "Pay gas.\r\nIn ETH.", Questions: []string{"why gas", " what is gas "}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != kb.StatusPublished || a.Title != "Gas" || a.Body != "Pay gas.\nIn ETH." ||
			!reflect.DeepEqual(a.Questions, []string{"why gas", "what is gas"}) || !a.CreatedAt.Equal(clock) {
			t.Fatalf("created %+v", a)
		}
		if _, err := s.Upsert(ctx, kb.Article{ID: "gas", Locale: "zh-CN", Category: "fees", Title: "燃料费",
			Body: "支付燃料费。", Questions: []string{"为什么要gas"}, Status: kb.StatusDraft}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "gas", "en")
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("get = %+v, %v; want %+v", got, err, a)
		}
		// Replace keeps created_at and moves updated_at.
		clock = clock.Add(time.Minute)
		a2, err := s.Upsert(ctx, kb.Article{ID: "gas", Locale: "en", Category: "fees", Title: "Gas fees",
			Body: "Pay gas.", Questions: []string{"why gas"}, Status: kb.StatusDraft})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = s.Get(ctx, "gas", "en")
		if !got.CreatedAt.Equal(a.CreatedAt) || !got.UpdatedAt.Equal(clock) || got.Title != "Gas fees" || got.Status != kb.StatusDraft ||
			!reflect.DeepEqual(got, a2) {
			t.Fatalf("after replace %+v (returned %+v)", got, a2)
		}
		for _, f := range []struct{ locale, category, status string }{{"en", "", ""}, {"", "fees", kb.StatusDraft}, {"zh-CN", "fees", ""}} {
			l, err := s.List(ctx, f.locale, f.category, f.status)
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if f.locale == "" {
				want = 2
			}
			if len(l) != want {
				t.Errorf("list %+v = %d articles, want %d", f, len(l), want)
			}
		}
		if l, _ := s.List(ctx, "", "security", ""); len(l) != 0 {
			t.Errorf("list security = %+v", l)
		}
		if _, err := s.List(ctx, "fr", "", ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("list fr: %v", err)
		}
		if n, err := s.Count(ctx); err != nil || n != 2 {
			t.Errorf("count = %d, %v", n, err)
		}
		if err := s.Delete(ctx, "gas", "en"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "gas", "en"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("get deleted: %v", err)
		}
		if err := s.Delete(ctx, "gas", "en"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("delete twice: %v", err)
		}
	})
}

func TestStoreValidates(t *testing.T) {
	db := storetest.SQLite(t)
	s := kb.NewStore(db, nil)
	ok := kb.Article{ID: "x", Locale: "en", Category: "fees", Title: "T", Body: "B", Questions: []string{"q"}}
	for name, tc := range map[string]struct {
		mut  func(a *kb.Article)
		want string
	}{
		"empty title":    {func(a *kb.Article) { a.Title = "  " }, "title is empty"},
		"empty body":     {func(a *kb.Article) { a.Body = "\n" }, "body is empty"},
		"category":       {func(a *kb.Article) { a.Category = "misc" }, "unknown category"},
		"no questions":   {func(a *kb.Article) { a.Questions = nil }, "no questions"},
		"blank q":        {func(a *kb.Article) { a.Questions = []string{"a", " "} }, "question 2 is empty"},
		"locale":         {func(a *kb.Article) { a.Locale = "fr" }, "unknown locale"},
		"status":         {func(a *kb.Article) { a.Status = "archived" }, "unknown status"},
		"id":             {func(a *kb.Article) { a.ID = "../etc" }, "id"},
		"two-line title": {func(a *kb.Article) { a.Title = "a\nb" }, "one line"},
	} {
		a := ok
		a.Questions = append([]string(nil), ok.Questions...)
		tc.mut(&a)
		_, err := s.Upsert(context.Background(), a)
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want invalid %q", name, err, tc.want)
		}
	}
	if n, _ := s.Count(context.Background()); n != 0 {
		t.Errorf("invalid articles were stored: %d", n)
	}
}

// TestFormatRoundTrip: Format's output parses back to the same article,
// for every demo article and for values ParseArticle treats specially.
func TestFormatRoundTrip(t *testing.T) {
	demo, err := kb.Demo()
	if err != nil {
		t.Fatal(err)
	}
	tricky := kb.Article{ID: "tricky", Locale: "en", Category: "fees", Status: kb.StatusDraft,
		Title: `"Quoted" title # not a comment`, Body: "---\nbody with a rule\n\n# heading",
		Questions: []string{"- dash", "'single'", "#hash", `ends with "`, "a: b", "plain"}}
	for _, a := range append(demo, tricky) {
		b := kb.Format(a)
		got, err := kb.ParseArticle(a.ID+".md", b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", a.ID, err, b)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v\n%s", a.ID, got, a, b)
		}
	}
}
