package kb_test

import (
	"context"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/kb"
)

// TestSearchForReader: the query's language decides where its words can
// match, and the reader's language decides what is shown.
func TestSearchForReader(t *testing.T) {
	ctx := context.Background()
	x, s := demoSearch(t)
	cases := []struct {
		reader, query, wantID, wantTitle string
	}{
		{"en", "转账没到账", "pending-transfer", "My transfer is pending"},
		{"zh-CN", "转账没到账", "pending-transfer", "转账一直显示“打包中”怎么办"},
		{"zh-CN", "my transaction has been stuck for hours", "pending-transfer", "转账一直显示“打包中”怎么办"},
		{"en", "my transaction has been stuck for hours", "pending-transfer", "My transfer is pending"},
	}
	for _, c := range cases {
		rs, err := x.ForReader(ctx, c.reader, c.query, 5)
		if err != nil {
			t.Fatalf("%s reader, %q: %v", c.reader, c.query, err)
		}
		if len(rs) == 0 || rs[0].ID != c.wantID {
			t.Errorf("%s reader, %q: found %v, want %s first", c.reader, c.query, ids(rs), c.wantID)
			continue
		}
		if rs[0].Locale != c.reader || rs[0].Title != c.wantTitle || rs[0].Snippet == "" {
			t.Errorf("%s reader, %q: first result %+v, want it in %s titled %q with a snippet", c.reader, c.query, rs[0], c.reader, c.wantTitle)
		}
		seen := map[string]bool{}
		for _, r := range rs {
			if seen[r.ID] {
				t.Errorf("%s reader, %q: %s answered twice: %v", c.reader, c.query, r.ID, ids(rs))
			}
			seen[r.ID] = true
		}
		if len(rs) > 5 {
			t.Errorf("%d results over the limit of 5", len(rs))
		}
	}

	// An article published only in Chinese is still answered to an English
	// reader, in Chinese.
	only := kb.Article{ID: "zh-only-quokka", Locale: "zh-CN", Category: "tokens", Title: "短尾矮袋鼠代币",
		Body: "关于短尾矮袋鼠代币的一切。", Questions: []string{"短尾矮袋鼠代币是什么"}, Status: kb.StatusPublished}
	if _, err := s.Upsert(ctx, only); err != nil {
		t.Fatal(err)
	}
	rs, err := x.ForReader(ctx, "en", "短尾矮袋鼠代币", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 || rs[0].ID != only.ID || rs[0].Locale != "zh-CN" || rs[0].Title != only.Title {
		t.Fatalf("a Chinese-only article for an English reader: %+v", rs)
	}

	if _, err := x.ForReader(ctx, "fr", "wallet", 5); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("unknown reader locale: %v, want invalid", err)
	}
	if _, err := x.ForReader(ctx, "en", "  ", 5); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("empty query: %v, want invalid", err)
	}
}
