package intake_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

// wordlist reads a BIP39 list from the guard's embedded files.
func wordlist(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "guard", "wordlists", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	if err := json.Unmarshal(b, &words); err != nil {
		t.Fatal(err)
	}
	return words
}

// mnemonic returns the words of a valid BIP39 mnemonic of n words drawn
// from r, one that the guard finds when it is sent whole (a Chinese one
// that happens to look like ordinary text is passed over).
func mnemonic(t *testing.T, r *rand.Rand, list []string, n int) []string {
	t.Helper()
	for {
		ent := make([]byte, n*4/3)
		for i := range ent {
			ent[i] = byte(r.Uint32())
		}
		sum := sha256.Sum256(ent)
		bits := append(slices.Clone(ent), sum[0])
		words := make([]string, n)
		for i := range n {
			v := 0
			for k := range 11 {
				b := i*11 + k
				v = v<<1 | int(bits[b>>3]>>(7-b&7)&1)
			}
			words[i] = list[v]
		}
		if fs := guard.Scan(strings.Join(words, "")); len(fs) == 1 && fs[0].Kind == guard.KindMnemonic {
			return words
		}
		if fs := guard.Scan(strings.Join(words, " ")); list[0] == "abandon" && len(fs) == 1 && fs[0].Kind == guard.KindMnemonic {
			return words
		}
	}
}

// runsOf3 returns every run of three consecutive words, written the ways a
// message may hold them.
func runsOf3(words []string) []string {
	var out []string
	for i := 0; i+3 <= len(words); i++ {
		for _, sep := range []string{" ", "", "\n", ", "} {
			out = append(out, strings.Join(words[i:i+3], sep))
		}
	}
	return out
}

// textColumns lists every text column of every table.
func textColumns(t *testing.T, db *store.DB) [][2]string {
	t.Helper()
	ctx := context.Background()
	q := "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() " +
		"AND data_type IN ('text', 'character varying') ORDER BY table_name, column_name"
	if db.Dialect == store.SQLite {
		q = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p " +
			"WHERE m.type = 'table' AND upper(p.type) LIKE '%TEXT%' ORDER BY 1, 2"
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("only %d text columns found: %v", len(out), out)
	}
	return out
}

// noRunInTables fails when a run of three words of the mnemonic is in any
// text column of any table.
func noRunInTables(t *testing.T, db *store.DB, words []string) {
	t.Helper()
	runs := runsOf3(words)
	for _, c := range textColumns(t, db) {
		rows, err := db.Query(context.Background(), fmt.Sprintf("SELECT %s FROM %s", c[1], c[0]))
		if err != nil {
			t.Fatalf("read %s.%s: %v", c[0], c[1], err)
		}
		for rows.Next() {
			var v *string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				if v != nil && strings.Contains(*v, r) {
					t.Errorf("%s.%s holds %q: %q", c[0], c[1], r, *v)
				}
			}
		}
		rows.Close()
	}
}

// noRunInFiles fails when a run of three words is in the SQLite database
// files (database, WAL, shared memory).
func noRunInFiles(t *testing.T, path string, words []string) {
	t.Helper()
	files, _ := filepath.Glob(path + "*")
	if len(files) == 0 {
		t.Fatalf("no database files at %s", path)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runsOf3(words) {
			if strings.Contains(string(b), r) {
				t.Errorf("%s holds %q", filepath.Base(f), r)
			}
		}
	}
}

// eachEngine runs fn on a fresh database of each engine; path is the
// SQLite database file ("" on PostgreSQL).
func eachEngine(t *testing.T, fn func(t *testing.T, db *store.DB, path string)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "huiying.db")
		db, err := store.Open(context.Background(), "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db, path)
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := store.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db, "")
	})
}

type splitCase struct {
	name  string
	words []string
	parts []string
}

// splitCases cuts mnemonics into 2, 3, 4, 6 and 12 messages (and a 24-word
// one into 4), in English and in Chinese with and without spaces.
func splitCases(t *testing.T) []splitCase {
	r := rand.New(rand.NewPCG(2026, 12))
	en, zh := wordlist(t, "english"), wordlist(t, "chinese_simplified")
	var out []splitCase
	for _, st := range []struct {
		name string
		list []string
		sep  string
	}{{"en", en, " "}, {"zh", zh, ""}, {"zh-spaced", zh, " "}} {
		for _, n := range []int{2, 3, 4, 6, 12} {
			words := mnemonic(t, r, st.list, 12)
			var parts []string
			for i := 0; i < 12; i += 12 / n {
				parts = append(parts, strings.Join(words[i:i+12/n], st.sep))
			}
			out = append(out, splitCase{fmt.Sprintf("%s-%d-parts", st.name, n), words, parts})
		}
		words := mnemonic(t, r, st.list, 24)
		var parts []string
		for i := 0; i < 24; i += 6 {
			parts = append(parts, strings.Join(words[i:i+6], st.sep))
		}
		out = append(out, splitCase{st.name + "-24-words-4-parts", words, parts})
	}
	// Filler between the pieces, as people write: "(continued)", "还有".
	words := mnemonic(t, r, en, 12)
	out = append(out, splitCase{"en-continued", words, []string{"my seed is " + strings.Join(words[:6], " ") + " (continued)",
		strings.Join(words[6:], " ") + " please help"}})
	words = mnemonic(t, r, zh, 12)
	out = append(out, splitCase{"zh-还有", words, []string{"助记词：" + strings.Join(words[:5], ""), "还有 " + strings.Join(words[5:], "")}})
	return out
}

// TestSecretAcrossMessages: a valid mnemonic sent in pieces, with the bot
// answering each piece, is removed from every message, event and copy as
// the last piece arrives; the visitor is warned and the conversation
// flagged; on SQLite no three of its words are left in the database file
// or its write-ahead log, open or closed.
func TestSecretAcrossMessages(t *testing.T) {
	cases := splitCases(t)
	eachEngine(t, func(t *testing.T, db *store.DB, path string) {
		ctx := context.Background()
		f := newFixture(t, db, len(cases))
		g, err := intake.NewSecretGuard()
		if err != nil {
			t.Fatal(err)
		}
		svc := intake.New(f.convs, g, testLogger(t), intake.Options{})
		t.Cleanup(svc.Close)
		for ci, c := range cases {
			cv := f.list[ci]
			var last intake.Ack
			for i, p := range c.parts {
				last, err = svc.Submit(ctx, intake.Inbound{Channel: conversation.ChannelWebChat, ConversationID: cv.id,
					ContactID: cv.contact, ClientMessageID: fmt.Sprintf("c%d-%d", ci, i), Body: p})
				if err != nil {
					t.Fatalf("%s: submit part %d: %v", c.name, i, err)
				}
				// Before its last piece, fewer than 12 words of a 12-word
				// mnemonic are no secret; 18 words of a 24-word one may hold
				// 12 that pass the checksum, and go at once.
				if i < len(c.parts)-1 && last.Redacted && len(c.words) == 12 {
					t.Fatalf("%s: part %d of %d redacted already: %q", c.name, i, len(c.parts), last.Message.Body)
				}
				// The bot answers every piece: its messages are skipped,
				// not a stop.
				if _, err := f.convs.SendOne(ctx, conversation.NewMessage{ConversationID: cv.id, Direction: conversation.Bot,
					AuthorType: conversation.AuthorBot, Body: "Sorry, I did not understand. 抱歉，我没有理解。"}); err != nil {
					t.Fatal(err)
				}
			}
			if !last.Redacted || !strings.Contains(last.Message.Body, guard.MarkerMnemonic) {
				t.Errorf("%s: last part not redacted: %+v", c.name, last)
			}
			msgs, err := f.convs.Messages(ctx, cv.id, 0, 100, true)
			if err != nil {
				t.Fatal(err)
			}
			markers, warned := 0, false
			for _, m := range msgs {
				if m.Direction == conversation.Inbound && strings.Contains(m.Body, guard.MarkerMnemonic) {
					markers++
				}
				warned = warned || m.Direction == conversation.System && m.Body == conversation.SecretWarning
			}
			if markers != len(c.parts) || !warned {
				t.Errorf("%s: %d of %d messages hold the marker, warned %v", c.name, markers, len(c.parts), warned)
			}
			conv, err := f.convs.Conversation(ctx, cv.id)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(conv.Attributes[conversation.SecretAttribute], guard.KindMnemonic) {
				t.Errorf("%s: conversation not flagged: %v", c.name, conv.Attributes)
			}
			// The earlier messages' events carry the marker, and one
			// message.redacted event names them.
			if n := f.count(t, "SELECT COUNT(*) FROM events WHERE type = ? AND conversation_id = ? AND payload LIKE ?",
				bus.MessageCreated, cv.id, "%mnemonic removed%"); n != len(c.parts) {
				t.Errorf("%s: %d message.created events carry the marker, want %d", c.name, n, len(c.parts))
			}
			// (A 24-word mnemonic may have lost 12 words early, with the
			// rest removed as its continuation: more than one event.)
			var payload string
			if err := db.QueryRow(ctx, "SELECT payload FROM events WHERE type = ? AND conversation_id = ? ORDER BY id DESC LIMIT 1",
				bus.MessageRedacted, cv.id).Scan(&payload); err != nil {
				t.Fatalf("%s: message.redacted event: %v", c.name, err)
			}
			var re conversation.RedactedEvent
			if err := json.Unmarshal([]byte(payload), &re); err != nil || len(re.Messages) == 0 {
				t.Errorf("%s: message.redacted %s: want the earlier messages", c.name, payload)
			}
			for _, m := range re.Messages {
				if !strings.Contains(m.Body, guard.MarkerMnemonic) || m.Seq <= 0 {
					t.Errorf("%s: message.redacted %s: want seqs with their new bodies", c.name, payload)
				}
			}
			if len(c.words) == 12 && len(re.Messages) != len(c.parts)-1 {
				t.Errorf("%s: message.redacted %s: want the %d earlier messages", c.name, payload, len(c.parts)-1)
			}
			noRunInTables(t, db, c.words)
		}
		if path != "" {
			noRunInFiles(t, path, allWords(cases))
			svc.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			noRunInFiles(t, path, allWords(cases))
		}
	})
}

func allWords(cases []splitCase) []string {
	var out []string
	for _, c := range cases {
		out = append(out, c.words...)
		out = append(out, "\x00", "\x00") // no run across two mnemonics
	}
	return out
}

// TestOrdinaryChatAcrossMessages: ordinary sentences, and twelve wordlist
// words one per message whose checksum fails, are stored as sent.
func TestOrdinaryChatAcrossMessages(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, path string) {
		ctx := context.Background()
		f := newFixture(t, db, 2)
		g, err := intake.NewSecretGuard()
		if err != nil {
			t.Fatal(err)
		}
		svc := intake.New(f.convs, g, testLogger(t), intake.Options{})
		t.Cleanup(svc.Close)
		chats := [][]string{
			{"hello", "I sent money to my friend", "it has been pending for an hour", "the fee was taken", "can you check",
				"my wallet address is in the app", "still nothing", "where can I see the transaction", "thanks",
				"also the balance looks wrong", "please help", "anyone there?"},
			// Wordlist words, but the checksum fails.
			strings.Fields("window cube motor thunder ocean rifle armor puppy sibling expire verb toe"),
		}
		for ci, chat := range chats {
			cv := f.list[ci]
			for i, body := range chat {
				ack, err := svc.Submit(ctx, intake.Inbound{ConversationID: cv.id, ContactID: cv.contact,
					ClientMessageID: fmt.Sprint("m", i), Body: body})
				if err != nil {
					t.Fatal(err)
				}
				if ack.Redacted || ack.Message.Body != body {
					t.Errorf("ordinary message %q changed: %+v", body, ack)
				}
			}
			if n := f.count(t, "SELECT COUNT(*) FROM events WHERE type = ?", bus.MessageRedacted); n != 0 {
				t.Errorf("%d message.redacted events", n)
			}
		}
	})
}

// TestSecretAcrossMessagesOnlyInOwnConversation: pieces of a mnemonic in
// another contact's conversation are neither read nor completed.
func TestSecretAcrossMessagesOnlyInOwnConversation(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, path string) {
		ctx := context.Background()
		f := newFixture(t, db, 2)
		g, err := intake.NewSecretGuard()
		if err != nil {
			t.Fatal(err)
		}
		svc := intake.New(f.convs, g, testLogger(t), intake.Options{})
		t.Cleanup(svc.Close)
		words := mnemonic(t, rand.New(rand.NewPCG(1, 1)), wordlist(t, "english"), 12)
		victim, attacker := f.list[0], f.list[1]
		if _, err := svc.Submit(ctx, intake.Inbound{ConversationID: victim.id, ContactID: victim.contact,
			ClientMessageID: "a", Body: strings.Join(words[:6], " ")}); err != nil {
			t.Fatal(err)
		}
		// The attacker posts the rest into the victim's conversation under
		// his own contact id: refused, and nothing is rewritten.
		_, err = svc.Submit(ctx, intake.Inbound{ConversationID: victim.id, ContactID: attacker.contact,
			ClientMessageID: "b", Body: strings.Join(words[6:], " ")})
		if err == nil {
			t.Fatal("message into another contact's conversation accepted")
		}
		if n := f.count(t, "SELECT COUNT(*) FROM events WHERE type = ?", bus.MessageRedacted); n != 0 {
			t.Errorf("%d message.redacted events", n)
		}
	})
}

// BenchmarkSubmitCompletesMnemonic measures, on SQLite, the message that
// completes a mnemonic begun in the one before: reading the earlier
// messages, rewriting them and their events, and emptying the write-ahead
// log, all before the acknowledgement. Run:
// go test -run '^$' -bench CompletesMnemonic ./internal/intake/
func BenchmarkSubmitCompletesMnemonic(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	cs := conversation.NewStore(db, time.Now)
	if err := cs.Prepare(ctx); err != nil {
		b.Fatal(err)
	}
	in, err := cs.CreateInbox(ctx, "bench", conversation.ChannelWebChat)
	if err != nil {
		b.Fatal(err)
	}
	c, ct, err := cs.Start(ctx, in, conversation.NewContact{})
	if err != nil {
		b.Fatal(err)
	}
	g, err := intake.NewSecretGuard()
	if err != nil {
		b.Fatal(err)
	}
	svc := intake.New(cs, g, slog.New(slog.NewTextHandler(io.Discard, nil)), intake.Options{})
	defer svc.Close()
	// A BIP39 test vector (valid checksum).
	words := strings.Fields("legal winner thank year wave sausage worth useful legal winner thank yellow")
	send := func(id, body string) intake.Ack {
		a, err := svc.Submit(ctx, intake.Inbound{ConversationID: c.ID, ContactID: ct.ID, ClientMessageID: id, Body: body})
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	var completing time.Duration
	for i := 0; b.Loop(); i++ {
		send(fmt.Sprint("a", i), strings.Join(words[:6], " "))
		t0 := time.Now()
		if a := send(fmt.Sprint("b", i), strings.Join(words[6:], " ")); !a.Redacted {
			b.Fatal("not redacted")
		}
		completing += time.Since(t0)
		send(fmt.Sprint("c", i), "thanks") // the next piece starts afresh
	}
	b.ReportMetric(float64(completing.Microseconds())/float64(b.N), "µs/completing-msg")
}
