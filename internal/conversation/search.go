package conversation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Search (Filter.Query) finds a conversation by what was said in it, by its
// contact's name or email, by its attributes (a wallet address, a tx hash,
// an order number) or by its id. Words are matched as parts of text, so
// Chinese without spaces, a partial address or an email domain are found;
// a message must hold every word of the query. Both engines index the
// messages' character trigrams (migration 011): SQLite an FTS5 table,
// PostgreSQL pg_trgm beside its full-text index.

const (
	// MaxQueryRunes bounds the search text.
	MaxQueryRunes = 200
	// maxQueryTerms bounds the words of a query, each one a condition.
	maxQueryTerms = 8
)

// searchTerms splits a query into its words, refusing what is too long.
func searchTerms(q string) ([]string, error) {
	if n := utf8.RuneCountInString(q); n > MaxQueryRunes {
		return nil, apperr.New(apperr.Invalid, "search text has %d characters; the limit is %d", n, MaxQueryRunes)
	}
	terms := strings.Fields(q)
	if len(terms) > maxQueryTerms {
		return nil, apperr.New(apperr.Invalid, "search text has %d words; the limit is %d", len(terms), maxQueryTerms)
	}
	return terms, nil
}

// likePattern is %term% with LIKE's special characters escaped by '\'.
func likePattern(term string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(term) + "%"
}

// searchCond is the condition on conversations for the query q.
func searchCond(dialect store.Dialect, q string) (string, []any, error) {
	terms, err := searchTerms(q)
	if err != nil {
		return "", nil, err
	}
	var msg string
	var args []any
	// Every word in one message, as part of its text.
	const searchable = "SELECT m.conversation_id FROM messages m WHERE m.direction NOT IN ('bot', 'system') AND "
	if dialect == store.Postgres {
		// The trigram index answers ILIKE for words of three characters
		// or more.
		likes := make([]string, len(terms))
		for i, t := range terms {
			likes[i] = `m.body ILIKE ? ESCAPE '\'`
			args = append(args, likePattern(t))
		}
		if hasHan(q) {
			// The full-text parser takes a run of Chinese as one word.
			msg = searchable + strings.Join(likes, " AND ")
		} else {
			// The full-text index answers whole words quickly.
			msg = searchable + "(to_tsvector('simple', m.body) @@ plainto_tsquery('simple', ?) OR (" + strings.Join(likes, " AND ") + "))"
			args = append([]any{q}, args...)
		}
	} else {
		// FTS5's trigram tokenizer answers LIKE from its index for a
		// pattern of three characters or more without an ESCAPE clause;
		// shorter words, and words with % or _, are read from the text.
		// Messages not indexed yet (IndexForSearch) are read directly.
		fts := make([]string, len(terms))
		tail := make([]string, len(terms))
		var tailArgs []any
		for i, t := range terms {
			if strings.ContainsAny(t, "%_") {
				fts[i] = `body LIKE ? ESCAPE '\'`
				args = append(args, likePattern(t))
			} else {
				fts[i] = "body LIKE ?"
				args = append(args, "%"+t+"%")
			}
			tail[i] = `m.body LIKE ? ESCAPE '\'`
			tailArgs = append(tailArgs, likePattern(t))
		}
		msg = searchable + "(m.id IN (SELECT rowid FROM messages_fts WHERE " + strings.Join(fts, " AND ") + ")" +
			" OR (m.id > (SELECT indexed_upto FROM messages_fts_cursor) AND " + strings.Join(tail, " AND ") + "))"
		args = append(args, tailArgs...)
	}
	// The contact's name or email, and attribute values only: every
	// conversation has the same few attribute names.
	like := "LIKE"
	attrs := `EXISTS (SELECT 1 FROM json_each(conversations.attributes) a WHERE a.value LIKE ? ESCAPE '\')`
	if dialect == store.Postgres {
		like = "ILIKE"
		attrs = `EXISTS (SELECT 1 FROM jsonb_each_text(conversations.attributes::jsonb) a WHERE a.value ILIKE ? ESCAPE '\')`
	}
	whole := likePattern(q)
	cond := "(id = ? OR id IN (" + msg + ")" +
		" OR contact_id IN (SELECT ct.id FROM contacts ct WHERE ct.name " + like + ` ? ESCAPE '\' OR ct.email ` + like + ` ? ESCAPE '\')` +
		" OR " + attrs + ")"
	return cond, append(append([]any{q}, args...), whole, whole, whole), nil
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
