package app_test

import (
	"context"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestBootstrapLoadsDemoKB: a new install has the demo knowledge base, all
// published, and a second bootstrap adds nothing.
func TestBootstrapLoadsDemoKB(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) {
			s := apptest.Start(t, e)
			ctx := context.Background()
			demo, err := kb.Demo()
			if err != nil {
				t.Fatal(err)
			}
			for _, loc := range kb.Locales {
				as, err := s.App.KB.List(ctx, loc, "", kb.StatusPublished)
				if err != nil {
					t.Fatal(err)
				}
				if len(as) < 40 {
					t.Errorf("%s: %d demo articles, want at least 40", loc, len(as))
				}
			}
			n, err := s.App.KB.Count(ctx)
			if err != nil || n != len(demo) {
				t.Fatalf("count = %d, %v; want %d", n, err, len(demo))
			}
			got, err := s.App.KB.Get(ctx, demo[0].ID, demo[0].Locale)
			if err != nil || got.Title != demo[0].Title || got.Body != demo[0].Body {
				t.Errorf("stored %+v, %v; want %+v", got, err, demo[0])
			}
			if err := s.App.Bootstrap(ctx); err != nil {
				t.Fatal(err)
			}
			if n2, _ := s.App.KB.Count(ctx); n2 != n {
				t.Errorf("second bootstrap: %d articles, want %d", n2, n)
			}
		})
	}
}
