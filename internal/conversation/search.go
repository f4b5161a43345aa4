package conversation

import (
	"strings"
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
	// trigram is the shortest term the trigram indexes can look up.
	trigram = 3
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
	like := "LIKE"
	if dialect == store.Postgres {
		like = "ILIKE"
	}
	// Every word in one message; LIKE on the messages' text, which the
	// trigram indexes answer on PostgreSQL and, for words of three
	// characters or more, FTS5 on SQLite.
	likes := make([]string, len(terms))
	for i, t := range terms {
		likes[i] = "m.body " + like + ` ? ESCAPE '\'`
		args = append(args, likePattern(t))
	}
	searchable := "m.direction NOT IN ('bot', 'system')"
	switch {
	case dialect == store.Postgres:
		// The full-text index answers whole words quickly; the trigram
		// index answers parts of words and Chinese.
		msg = "SELECT m.conversation_id FROM messages m WHERE " + searchable +
			" AND (to_tsvector('simple', m.body) @@ plainto_tsquery('simple', ?) OR (" + strings.Join(likes, " AND ") + "))"
		args = append([]any{q}, args...)
	case allLong(terms):
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		msg = "SELECT m.conversation_id FROM messages m WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)"
		args = []any{strings.Join(quoted, " AND ")}
	default:
		msg = "SELECT m.conversation_id FROM messages m WHERE " + searchable + " AND " + strings.Join(likes, " AND ")
	}
	// Attribute values only: every conversation has the same few keys.
	attrs := "EXISTS (SELECT 1 FROM json_each(conversations.attributes) a WHERE a.value LIKE ? ESCAPE '\\')"
	if dialect == store.Postgres {
		attrs = "EXISTS (SELECT 1 FROM jsonb_each_text(conversations.attributes::jsonb) a WHERE a.value ILIKE ? ESCAPE '\\')"
	}
	whole := likePattern(q)
	cond := "(id = ? OR id IN (" + msg + ")" +
		" OR contact_id IN (SELECT ct.id FROM contacts ct WHERE ct.name " + like + ` ? ESCAPE '\' OR ct.email ` + like + ` ? ESCAPE '\')` +
		" OR " + attrs + ")"
	return cond, append(append([]any{q}, args...), whole, whole, whole), nil
}

// allLong reports whether every term is long enough for a trigram lookup.
func allLong(terms []string) bool {
	for _, t := range terms {
		if utf8.RuneCountInString(t) < trigram {
			return false
		}
	}
	return true
}
