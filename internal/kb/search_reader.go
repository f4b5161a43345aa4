package kb

import (
	"context"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/lex"
)

// QueryLocale is the language a query is written in: zh-CN when it holds
// a Han character, en otherwise.
func QueryLocale(query string) string {
	if lex.HasHan(query) {
		return "zh-CN"
	}
	return "en"
}

// ForReader searches for a reader of locale reader, whatever language the
// query is written in: an English reader who types "转账没到账" must find
// the pending-transfer article. It searches the query's own language first
// (QueryLocale), where its words can match, then every other locale, and
// answers each article once, in that order. An article found in another
// language is answered in the reader's language when it is published in
// it (its title and first sentence there, for the query's words are not in
// it), else as it was found, so the reader still gets the answer.
func (x *Search) ForReader(ctx context.Context, reader, query string, limit int) ([]Result, error) {
	if !KnownLocale(reader) {
		return nil, apperr.New(apperr.Invalid, "unknown locale %q (use one of %s)", reader, strings.Join(Locales, ", "))
	}
	if limit <= 0 {
		limit = DefaultResults
	}
	order := []string{QueryLocale(query)}
	for _, l := range Locales {
		if l != order[0] {
			order = append(order, l)
		}
	}
	seen := map[string]bool{}
	out := []Result{}
	for _, l := range order {
		rs, err := x.Query(ctx, l, query, limit)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if !seen[r.ID] && len(out) < limit {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
	}
	var ix *index
	for i, r := range out {
		if r.Locale == reader {
			continue
		}
		if ix == nil {
			var err error
			if ix, err = x.index(ctx, reader); err != nil {
				return nil, err
			}
		}
		if d := ix.doc(r.ID); d != nil {
			out[i].Locale, out[i].Title = reader, d.article.Title
			out[i].Snippet = ix.snippet(d, nil)
		}
	}
	return out, nil
}

// doc is the article id of the index, or nil.
func (ix *index) doc(id string) *doc {
	for i := range ix.docs {
		if ix.docs[i].article.ID == id {
			return &ix.docs[i]
		}
	}
	return nil
}
