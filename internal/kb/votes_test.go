package kb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestVotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := kb.NewStore(db, nil)
		for _, a := range []kb.Article{
			{ID: "gas", Locale: "en", Category: "fees", Title: "Gas", Body: "Pay gas.", Questions: []string{"why gas"}},
			{ID: "gas", Locale: "zh-CN", Category: "fees", Title: "燃料费", Body: "支付燃料费。", Questions: []string{"为什么要gas"}},
			{ID: "secret", Locale: "en", Category: "fees", Title: "Draft", Body: "Soon.", Questions: []string{"soon"}, Status: kb.StatusDraft},
		} {
			if _, err := s.Upsert(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := s.Votes(ctx, "gas", "en"); err != nil || got != (kb.VoteCounts{}) {
			t.Fatalf("no votes yet: %+v, %v", got, err)
		}
		for i, want := range []kb.VoteCounts{{1, 0}, {2, 0}, {2, 1}} {
			got, err := s.Vote(ctx, "gas", "en", i != 2)
			if err != nil || got != want {
				t.Fatalf("vote %d: %+v, %v; want %+v", i, got, err, want)
			}
		}
		// Locales are counted apart.
		if got, err := s.Vote(ctx, "gas", "zh-CN", false); err != nil || got != (kb.VoteCounts{0, 1}) {
			t.Fatalf("zh-CN vote: %+v, %v", got, err)
		}
		if got, err := s.Votes(ctx, "gas", "en"); err != nil || got != (kb.VoteCounts{2, 1}) {
			t.Fatalf("en counts: %+v, %v", got, err)
		}
		for _, c := range []struct{ id, locale string }{{"secret", "en"}, {"nope", "en"}, {"gas", "fr"}} {
			_, err := s.Vote(ctx, c.id, c.locale, true)
			if !apperr.Is(err, apperr.NotFound) {
				t.Errorf("vote on %s/%s: %v, want not found", c.locale, c.id, err)
			}
		}
		if got, _ := s.Votes(ctx, "secret", "en"); got != (kb.VoteCounts{}) {
			t.Errorf("a refused vote was stored: %+v", got)
		}

		// Concurrent votes are all counted.
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Vote(ctx, "gas", "zh-CN", true); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got, _ := s.Votes(ctx, "gas", "zh-CN"); got != (kb.VoteCounts{20, 1}) {
			t.Errorf("after 20 concurrent votes: %+v", got)
		}

		// Deleting the article deletes its counts.
		if err := s.Delete(ctx, "gas", "en"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Votes(ctx, "gas", "en"); got != (kb.VoteCounts{}) {
			t.Errorf("counts outlived their article: %+v", got)
		}
	})
}
