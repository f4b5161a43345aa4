package conversation_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// search lists the names of the conversations the query finds, checking
// that the list's total and the counts agree with it.
func search(t *testing.T, f *fixture, names map[string]string, q string) []string {
	t.Helper()
	ctx := context.Background()
	convs, total, err := f.s.List(ctx, conversation.Filter{Query: q})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	got := []string{}
	for _, c := range convs {
		got = append(got, names[c.ID])
	}
	slices.Sort(got)
	c, err := f.s.Count(ctx, conversation.Filter{Query: q}, "")
	if err != nil {
		t.Fatalf("count %q: %v", q, err)
	}
	if total != len(got) || c.All != int64(total) {
		t.Errorf("search %q: total %d, %d items, count %d", q, total, len(got), c.All)
	}
	return got
}

func TestSearchConversations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		names := map[string]string{}
		conv := func(name string, contact conversation.NewContact, msgs ...conversation.Direction) conversation.Conversation {
			c, _ := f.start(t, contact)
			names[c.ID] = name
			return c
		}
		zh := conv("zh", conversation.NewContact{Name: "李伟", Email: "liwei@example.com"})
		f.mustAppend(t, inbound(zh, "z1", "我的转账一直没到账，怎么办？"))
		en := conv("en", conversation.NewContact{Name: "Ann"})
		f.mustAppend(t, inbound(en, "e1", "My transfer is STUCK in pending since yesterday"))
		addr := conv("addr", conversation.NewContact{})
		f.mustAppend(t, inbound(addr, "a1", "sent to 0x52908400098527886E0F7030069857D2E4169EE7 an hour ago"))
		hash := conv("hash", conversation.NewContact{})
		tx := "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
		if _, err := f.s.Update(ctx, hash.ID, conversation.Change{Attributes: map[string]*string{"tx_hash": &tx}}); err != nil {
			t.Fatal(err)
		}
		note := conv("note", conversation.NewContact{})
		f.mustAppend(t, inbound(note, "n1", "hello"))
		f.mustAppend(t, agentMsg(note, conversation.Note, "escalated to the compliance team"))
		bot := conv("bot", conversation.NewContact{})
		f.mustAppend(t, conversation.NewMessage{ConversationID: bot.ID, Direction: conversation.Bot,
			AuthorType: conversation.AuthorBot, Body: "如何备份助记词：写在纸上 compliance"})
		odd := conv("odd", conversation.NewContact{})
		f.mustAppend(t, inbound(odd, "o1", `fee was 100% of "the" amount_total`))

		// SQLite indexes messages after they are stored: the same
		// searches before (read from the messages) and after.
		type searchCase struct {
			q    string
			want []string
		}
		cases := []searchCase{
			{"没到账", []string{"zh"}},         // Chinese, three characters: the trigram index
			{"转账", []string{"zh"}},          // Chinese, two characters: read from the messages
			{"李伟", []string{"zh"}},          // the contact's name
			{"example.com", []string{"zh"}}, // part of the contact's email
			{"stuck", []string{"en"}},       // any case
			{"pending transfer", []string{"en"}},
			{"transfer hello", []string{}}, // every word in one message
			{"0x52908400098527886e0f", []string{"addr"}},
			{"0x52908400098527886E0F7030069857D2E4169EE7", []string{"addr"}},
			{tx, []string{"hash"}},                 // a conversation attribute
			{"5c504ed432cb5113", []string{"hash"}}, // part of it
			{"compliance", []string{"note"}},       // notes, not the bot's answers
			{"助记词", []string{}},                    // the bot's answers are not searched
			{"100%", []string{"odd"}},
			{"%", []string{"odd"}},
			{"_", []string{"odd"}},
			{`"the" amount`, []string{"odd"}},
			{"tx_hash", []string{}}, // attribute names are not searched
			{zh.ID, []string{"zh"}},
			{"nothing like this", []string{}},
		}
		for _, when := range []string{"before indexing", "after indexing"} {
			if when == "after indexing" {
				indexAll(t, f)
			}
			for _, tc := range cases {
				if got := search(t, f, names, tc.q); !slices.Equal(got, tc.want) {
					t.Errorf("%s, search %q: %v, want %v", when, tc.q, got, tc.want)
				}
			}
		}

		// Search combines with the other filters.
		open := conversation.StatusResolved
		if _, err := f.s.Update(ctx, en.ID, conversation.Change{Status: &open}); err != nil {
			t.Fatal(err)
		}
		if convs, total, err := f.s.List(ctx, conversation.Filter{Query: "stuck", Status: "open,pending"}); err != nil || total != 0 || len(convs) != 0 {
			t.Errorf("stuck among open and pending: %d %v %v", total, convs, err)
		}
		if _, total, err := f.s.List(ctx, conversation.Filter{Query: "stuck", Status: "resolved,open"}); err != nil || total != 1 {
			t.Errorf("stuck among resolved and open: %d %v", total, err)
		}

		if _, _, err := f.s.List(ctx, conversation.Filter{Query: strings.Repeat("长", conversation.MaxQueryRunes+1)}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("an over-long query: %v, want invalid", err)
		}
		if _, _, err := f.s.List(ctx, conversation.Filter{Query: "a b c d e f g h i"}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a query of nine words: %v, want invalid", err)
		}
	})
}

// indexAll runs the search indexer until nothing waits.
func indexAll(t *testing.T, f *fixture) {
	t.Helper()
	for {
		n, err := f.s.IndexForSearch(context.Background())
		if err != nil {
			t.Fatalf("index for search: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// A secret completed across messages is removed from the earlier message
// after it was stored, whether or not it was indexed yet; the removed
// words must not be found, now or once the indexer has run.
func TestSearchForgetsRedactedText(t *testing.T) {
	for _, indexedFirst := range []bool{true, false} {
		t.Run(map[bool]string{true: "indexed", false: "not indexed yet"}[indexedFirst], func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				ctx := context.Background()
				c, _ := f.start(t, conversation.NewContact{})
				names := map[string]string{c.ID: "c"}
				m := f.mustAppend(t, inbound(c, "r1", "abandon ability able about above absent 钱包密语"))
				f.mustAppend(t, inbound(c, "r2", "where is my money"))
				if indexedFirst {
					indexAll(t, f)
				}
				for _, q := range []string{"ability", "absent", "钱包密语", "密语"} {
					if got := search(t, f, names, q); !slices.Equal(got, []string{"c"}) {
						t.Fatalf("before redaction, %q finds %v", q, got)
					}
				}
				err := db.InTx(ctx, func(tx *store.Tx) error {
					return f.s.RedactEarlier(ctx, tx, c.ID, []conversation.Earlier{{Seq: m.Seq, Body: "[secret removed]"}})
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, when := range []string{"after redaction", "after redaction and indexing"} {
					if when == "after redaction and indexing" {
						f.mustAppend(t, inbound(c, "r3", "still waiting"))
						indexAll(t, f)
					}
					for _, q := range []string{"ability", "absent", "abandon able", "钱包密语", "密语", "abo"} {
						if got := search(t, f, names, q); len(got) != 0 {
							t.Errorf("%s, %q still finds %v", when, q, got)
						}
					}
					for _, q := range []string{"secret removed", "money"} {
						if got := search(t, f, names, q); !slices.Equal(got, []string{"c"}) {
							t.Errorf("%s, %q finds %v, want the conversation", when, q, got)
						}
					}
				}
				if db.Dialect == store.SQLite {
					// The index holds exactly what the messages say.
					var bad int
					if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM messages_fts WHERE body LIKE '%ability%'").Scan(&bad); err != nil || bad != 0 {
						t.Errorf("the FTS index still answers the removed words: %d, %v", bad, err)
					}
					if _, err := db.Exec(ctx, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
						t.Errorf("the FTS index disagrees with the messages: %v", err)
					}
				}
			})
		})
	}
}

// The words of a search are looked up in an index, not read from every
// message: SQLite's FTS5 trigram table answers LIKE itself, and
// PostgreSQL has its trigram and full-text indexes.
func TestSearchIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if db.Dialect == store.SQLite {
			var id, parent, unused int
			var plan string
			err := db.QueryRow(ctx, "EXPLAIN QUERY PLAN SELECT rowid FROM messages_fts WHERE body LIKE ?", "%没到账%").
				Scan(&id, &parent, &unused, &plan)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(plan, "VIRTUAL TABLE INDEX 0:L") {
				t.Errorf("the FTS5 table does not answer LIKE from its index: %s", plan)
			}
			return
		}
		for _, name := range []string{"messages_body_trgm", "messages_body_fts", "contacts_name_trgm", "contacts_email_trgm"} {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = ?", name).Scan(&n); err != nil || n != 1 {
				t.Errorf("index %s: %d, %v", name, n, err)
			}
		}
	})
}
