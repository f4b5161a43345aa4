package kb_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/store/storetest"
)

// demoSearch returns a Search over the bundled demo articles on SQLite.
func demoSearch(t *testing.T) (*kb.Search, *kb.Store) {
	t.Helper()
	s := kb.NewStore(storetest.SQLite(t), nil)
	demo, err := kb.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertAll(context.Background(), demo, nil); err != nil {
		t.Fatal(err)
	}
	return kb.NewSearch(s), s
}

func ids(rs []kb.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// TestSearchFindsDemoArticles asks the questions users write, in words
// that are not the article's own, and expects the right article first.
func TestSearchFindsDemoArticles(t *testing.T) {
	x, _ := demoSearch(t)
	cases := []struct{ locale, query, want string }{
		{"zh-CN", "转账一直没到账", "pending-transfer"},
		{"zh-CN", "助记词怎么备份", "backup-mnemonic"},
		{"zh-CN", "钱被盗了怎么办", "funds-stolen"},
		{"zh-CN", "交易卡住好几个小时了", "pending-transfer"},
		{"zh-CN", "跨链的币一直没收到", "bridge-stuck"},
		{"zh-CN", "转USDT为什么扣了我的TRX", "usdt-trc20-fee"},
		{"zh-CN", "有人冒充客服找我", "fake-support-scams"},
		{"zh-CN", "手机丢了钱包还能找回吗", "lost-phone-recovery"},
		{"en", "my transaction has been stuck for hours", "pending-transfer"},
		{"en", "how should I back up my seed phrase", "backup-mnemonic"},
		{"en", "someone stole all my crypto", "funds-stolen"},
		{"en", "deposited to binance but nothing arrived", "exchange-deposit-not-credited"},
		{"en", "why do I pay TRX when sending USDT", "usdt-trc20-fee"},
	}
	for _, c := range cases {
		rs, err := x.Query(context.Background(), c.locale, c.query, 3)
		if err != nil {
			t.Errorf("%s %q: %v", c.locale, c.query, err)
			continue
		}
		if len(rs) == 0 || rs[0].ID != c.want {
			t.Errorf("%s %q: got %v, want %s first", c.locale, c.query, ids(rs), c.want)
			continue
		}
		r := rs[0]
		if r.Locale != c.locale || r.Title == "" || r.Category == "" || r.Snippet == "" || r.Score <= 0 {
			t.Errorf("%s %q: incomplete result %+v", c.locale, c.query, r)
		}
		if strings.Contains(r.Snippet, "**") {
			t.Errorf("%s %q: snippet keeps Markdown: %q", c.locale, c.query, r.Snippet)
		}
	}
}

func TestSearchDraftsAndChanges(t *testing.T) {
	ctx := context.Background()
	x, s := demoSearch(t)
	find := func(locale, q string) []string {
		t.Helper()
		rs, err := x.Query(ctx, locale, q, kb.MaxResults)
		if err != nil {
			t.Fatalf("%s %q: %v", locale, q, err)
		}
		return ids(rs)
	}
	if got := find("en", "zebra quokka"); len(got) != 0 {
		t.Fatalf("nonsense query found %v", got)
	}
	draft := kb.Article{ID: "zebra-draft", Locale: "en", Category: "tokens", Title: "Zebra quokka tokens",
		Body: "All about zebra quokka.", Questions: []string{"zebra quokka?"}, Status: kb.StatusDraft}
	if _, err := s.Upsert(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if got := find("en", "zebra quokka"); len(got) != 0 {
		t.Fatalf("a draft was found: %v", got)
	}
	// Publishing it rebuilds the index; so does deleting it.
	draft.Status = kb.StatusPublished
	if _, err := s.Upsert(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if got := find("en", "zebra quokka"); len(got) != 1 || got[0] != "zebra-draft" {
		t.Fatalf("after publishing: %v", got)
	}
	if got := find("zh-CN", "zebra quokka"); len(got) != 0 {
		t.Fatalf("an English article was found in zh-CN: %v", got)
	}
	if err := s.Delete(ctx, "zebra-draft", "en"); err != nil {
		t.Fatal(err)
	}
	if got := find("en", "zebra quokka"); len(got) != 0 {
		t.Fatalf("after deleting: %v", got)
	}
	// Every demo draft stays hidden, whatever the query.
	as, err := s.List(ctx, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Status == kb.StatusDraft {
			for _, id := range find(a.Locale, a.Title) {
				if id == a.ID {
					t.Errorf("draft %s/%s found by its title", a.Locale, a.ID)
				}
			}
		}
	}
}

// TestSearchSeesOtherWriters checks that an index notices articles written
// through another Store on the same database (another server process).
func TestSearchSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	x := kb.NewSearch(kb.NewStore(db, nil))
	other := kb.NewStore(db, nil)
	if rs, err := x.Query(ctx, "en", "quokka", 0); err != nil || len(rs) != 0 {
		t.Fatalf("empty knowledge base: %v, %v", rs, err)
	}
	if _, err := other.Upsert(ctx, kb.Article{ID: "quokka", Locale: "en", Category: "tokens", Title: "Quokka",
		Body: "Quokkas.", Questions: []string{"what is a quokka"}}); err != nil {
		t.Fatal(err)
	}
	if rs, err := x.Query(ctx, "en", "quokkas", 0); err != nil || len(ids(rs)) != 1 {
		t.Fatalf("after another writer added one: %v, %v", rs, err)
	}
}

func TestSearchBadQueries(t *testing.T) {
	x, _ := demoSearch(t)
	ctx := context.Background()
	for _, c := range []struct {
		name, locale, query string
		limit               int
		msg                 string
	}{
		{"empty", "en", "", 0, "empty"},
		{"blank", "zh-CN", " \t ", 0, "empty"},
		{"oversized", "en", strings.Repeat("gas ", kb.MaxQueryRunes/4+1), 0, "longer than"},
		{"oversized chinese", "zh-CN", strings.Repeat("转", kb.MaxQueryRunes+1), 0, "longer than"},
		{"unknown locale", "fr", "gas", 0, "unknown locale"},
		{"limit", "en", "gas", kb.MaxResults + 1, "limit"},
	} {
		_, err := x.Query(ctx, c.locale, c.query, c.limit)
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an invalid error mentioning %q", c.name, err, c.msg)
		}
	}
	// A query of nothing but stop words is valid and finds nothing.
	for _, q := range []string{"怎么办？", "how do I"} {
		if rs, err := x.Query(ctx, "zh-CN", q, 0); err != nil || len(rs) != 0 {
			t.Errorf("%q: %v, %v", q, ids(rs), err)
		}
	}
	// The longest allowed query works.
	if _, err := x.Query(ctx, "zh-CN", strings.Repeat("转", kb.MaxQueryRunes), 0); err != nil {
		t.Errorf("query of %d characters: %v", kb.MaxQueryRunes, err)
	}
}

func TestSearchConcurrent(t *testing.T) {
	x, s := demoSearch(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				locale, q := "en", "pending transfer"
				if (i+j)%2 == 0 {
					locale, q = "zh-CN", "转账卡住了"
				}
				rs, err := x.Query(ctx, locale, q, 3)
				if err != nil || len(rs) == 0 {
					t.Errorf("%s %q: %v, %v", locale, q, rs, err)
				}
				if i == 0 {
					if _, err := s.Upsert(ctx, kb.Article{ID: "extra", Locale: "en", Category: "tokens", Title: "Extra",
						Body: "More.", Questions: []string{"extra"}}); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
}
