package conversation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a store with one inbox on a fresh database. Its clock is the
// real one plus an offset that tests move forward, so that "did this write
// touch the timestamps" does not depend on the millisecond ticking over.
type fixture struct {
	db    *store.DB
	s     *conversation.Store
	inbox conversation.Inbox

	mu     sync.Mutex
	offset time.Duration
}

func (f *fixture) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Now().Add(f.offset)
}

// advance moves the store's clock forward.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.offset += d
	f.mu.Unlock()
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db}
	s := conversation.NewStore(db, f.now)
	in, err := s.CreateInbox(context.Background(), "Web chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatalf("create inbox: %v", err)
	}
	f.s, f.inbox = s, in
	return f
}

func (f *fixture) start(t *testing.T, n conversation.NewContact) (conversation.Conversation, conversation.Contact) {
	t.Helper()
	c, ct, err := f.s.Start(context.Background(), f.inbox, n)
	if err != nil {
		t.Fatalf("start conversation: %v", err)
	}
	return c, ct
}

// appendTx appends one message in its own transaction, as intake does.
func (f *fixture) appendTx(t *testing.T, m conversation.NewMessage) (conversation.Appended, error) {
	t.Helper()
	var out conversation.Appended
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = f.s.Append(context.Background(), tx, m)
		return err
	})
	return out, err
}

func (f *fixture) mustAppend(t *testing.T, m conversation.NewMessage) conversation.Message {
	t.Helper()
	a, err := f.appendTx(t, m)
	if err != nil {
		t.Fatalf("append %+v: %v", m, err)
	}
	if a.Duplicate {
		t.Fatalf("append %+v: unexpectedly a duplicate of %+v", m, a.Message)
	}
	return a.Message
}

func inbound(c conversation.Conversation, cmid, body string) conversation.NewMessage {
	return conversation.NewMessage{
		ConversationID: c.ID, ContactID: c.ContactID, Direction: conversation.Inbound,
		AuthorType: conversation.AuthorContact, AuthorID: c.ContactID, Body: body, ClientMessageID: cmid,
	}
}

func agentMsg(c conversation.Conversation, dir conversation.Direction, body string) conversation.NewMessage {
	return conversation.NewMessage{
		ConversationID: c.ID, Direction: dir, AuthorType: conversation.AuthorAgent, AuthorID: "ag_test", Body: body,
	}
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// rowCounts is a snapshot of every table a conversation write touches, to
// prove that a refused write left nothing behind.
func (f *fixture) rowCounts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"contacts", "conversations", "messages", "events", "conversation_tags"} {
		out[table] = f.count(t, "SELECT COUNT(*) FROM "+table)
	}
	return out
}

func (f *fixture) assertUnchanged(t *testing.T, before map[string]int) {
	t.Helper()
	if after := f.rowCounts(t); !reflect.DeepEqual(before, after) {
		t.Fatalf("rows changed: before %v, after %v", before, after)
	}
}

func (f *fixture) lastEventID(t *testing.T) int64 {
	t.Helper()
	id, err := bus.LastEventID(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) eventsAfter(t *testing.T, after int64) []bus.Event {
	t.Helper()
	evs, err := bus.ReadEvents(context.Background(), f.db, after, 1000)
	if err != nil {
		t.Fatalf("read events: %v", err)
	}
	return evs
}

// oneEvent checks that exactly one event was written after `after`, of the
// given type and conversation, and decodes its payload into payload.
func (f *fixture) oneEvent(t *testing.T, after int64, typ, convID string, seq int64, payload any) {
	t.Helper()
	evs := f.eventsAfter(t, after)
	if len(evs) != 1 {
		t.Fatalf("%d events after %d, want exactly one %s: %+v", len(evs), after, typ, evs)
	}
	e := evs[0]
	if e.Type != typ || e.ConversationID != convID || e.Seq != seq {
		t.Fatalf("event = {type %s conv %s seq %d}, want {%s %s %d}", e.Type, e.ConversationID, e.Seq, typ, convID, seq)
	}
	if err := json.Unmarshal(e.Payload, payload); err != nil {
		t.Fatalf("decode %s payload %s: %v", typ, e.Payload, err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func TestStartUpsertsContactByExternalID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()

		ev0 := f.lastEventID(t)
		c1, ct1 := f.start(t, conversation.NewContact{Name: "Ann", ExternalID: "wallet:42"})
		var created conversation.Conversation
		f.oneEvent(t, ev0, bus.ConversationCreated, c1.ID, 0, &created)
		if created.ID != c1.ID || created.ContactID != ct1.ID || created.InboxID != f.inbox.ID {
			t.Fatalf("conversation.created payload %+v does not describe %+v", created, c1)
		}
		if c1.Status != conversation.StatusOpen || c1.Priority != conversation.PriorityNormal || c1.LastSeq != 0 {
			t.Fatalf("new conversation = %+v, want open, normal, last_seq 0", c1)
		}

		c2, ct2 := f.start(t, conversation.NewContact{Name: "Ann Lee", Email: "ann@example.com", ExternalID: "wallet:42"})
		if ct2.ID != ct1.ID {
			t.Fatalf("same external id gave contacts %s and %s, want one", ct1.ID, ct2.ID)
		}
		if c2.ID == c1.ID {
			t.Fatal("second start reused the conversation id")
		}
		if n := f.count(t, "SELECT COUNT(*) FROM contacts WHERE external_id = ?", "wallet:42"); n != 1 {
			t.Fatalf("%d contacts with the external id, want 1", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM conversations WHERE contact_id = ?", ct1.ID); n != 2 {
			t.Fatalf("%d conversations for the contact, want 2", n)
		}
		got, err := f.s.Contact(ctx, ct1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ann Lee" || got.Email != "ann@example.com" || got.ExternalID != "wallet:42" {
			t.Fatalf("contact after second start = %+v, want name and email updated", got)
		}

		// Anonymous contacts are never merged.
		_, a1 := f.start(t, conversation.NewContact{Name: "Anon"})
		_, a2 := f.start(t, conversation.NewContact{Name: "Anon"})
		if a1.ID == a2.ID {
			t.Fatalf("two anonymous starts share contact %s", a1.ID)
		}
	})
}

func TestStartRejectsBadContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, tc := range []struct {
			name string
			c    conversation.NewContact
		}{
			{"bad email", conversation.NewContact{Email: "not an address"}},
			{"email with display name", conversation.NewContact{Email: "Ann <ann@example.com>"}},
			{"long name", conversation.NewContact{Name: strings.Repeat("é", 201)}},
			{"long external id", conversation.NewContact{ExternalID: strings.Repeat("x", 201)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.rowCounts(t)
				_, _, err := f.s.Start(context.Background(), f.inbox, tc.c)
				wantCode(t, err, apperr.Invalid)
				f.assertUnchanged(t, before)
			})
		}
	})
}

func TestAppendAssignsSequenceNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{})
		other, _ := f.start(t, conversation.NewContact{})

		msgs := []conversation.NewMessage{
			inbound(c, "m1", "hello"),
			agentMsg(c, conversation.Outbound, "hi, how can I help?"),
			agentMsg(c, conversation.Note, "internal: VIP"),
			inbound(c, "", "my card is blocked"),
		}
		for i, m := range msgs {
			ev := f.lastEventID(t)
			got := f.mustAppend(t, m)
			want := int64(i + 1)
			if got.Seq != want || got.Body != m.Body || got.Direction != m.Direction || got.ID == "" {
				t.Fatalf("message %d = %+v, want seq %d with body %q", i, got, want, m.Body)
			}
			var me conversation.MessageEvent
			f.oneEvent(t, ev, bus.MessageCreated, c.ID, want, &me)
			if me.Message.ID != got.ID || me.Message.Seq != want || me.InboxID != f.inbox.ID {
				t.Fatalf("message.created payload %+v does not match message %+v", me, got)
			}
		}

		// Several messages in one transaction take consecutive numbers, and
		// another conversation keeps its own sequence.
		var seqs []int64
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			for _, m := range []conversation.NewMessage{inbound(c, "t1", "a"), inbound(other, "t1", "b"), inbound(c, "t2", "c")} {
				a, err := f.s.Append(context.Background(), tx, m)
				if err != nil {
					return err
				}
				seqs = append(seqs, a.Message.Seq)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seqs, []int64{5, 1, 6}) {
			t.Fatalf("seqs in one transaction = %v, want [5 1 6]", seqs)
		}
		got, err := f.s.Conversation(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LastSeq != 6 {
			t.Fatalf("last_seq = %d, want 6", got.LastSeq)
		}
		all, err := f.s.Messages(context.Background(), c.ID, 0, 0, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range all {
			if m.Seq != int64(i+1) {
				t.Fatalf("stored seqs %v are not 1..%d", seqOf(all), len(all))
			}
		}
	})
}

func seqOf(ms []conversation.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func TestAppendDuplicateClientMessageID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{})
		other, _ := f.start(t, conversation.NewContact{})
		orig := f.mustAppend(t, inbound(c, "cm-1", "first try"))
		f.mustAppend(t, inbound(c, "cm-2", "second message"))

		before := f.rowCounts(t)
		retry := inbound(c, "cm-1", "first try, edited by the client")
		a, err := f.appendTx(t, retry)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Duplicate {
			t.Fatalf("retry with the same client_message_id was stored again as %+v", a.Message)
		}
		if a.Message.ID != orig.ID || a.Message.Seq != orig.Seq || a.Message.Body != orig.Body {
			t.Fatalf("duplicate returned %+v, want the original %+v", a.Message, orig)
		}
		f.assertUnchanged(t, before)
		if cv, _ := f.s.Conversation(context.Background(), c.ID); cv.LastSeq != 2 {
			t.Fatalf("last_seq = %d after a duplicate, want 2", cv.LastSeq)
		}

		// The same client id in another conversation is a different message.
		m := f.mustAppend(t, inbound(other, "cm-1", "unrelated"))
		if m.Seq != 1 {
			t.Fatalf("other conversation's first message has seq %d, want 1", m.Seq)
		}
	})
}

// A retry is not new activity: it must not move the conversation up the
// agents' queue (ordered by last_activity_at) nor reopen it.
func TestDuplicateLeavesConversationUntouched(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c, _ := f.start(t, conversation.NewContact{})
		f.mustAppend(t, inbound(c, "cm-1", "hello"))
		if _, err := f.s.Update(ctx, c.ID, conversation.Change{Status: ptr(conversation.StatusResolved)}); err != nil {
			t.Fatal(err)
		}
		before, err := f.s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.advance(time.Minute)
		a, err := f.appendTx(t, inbound(c, "cm-1", "hello"))
		if err != nil || !a.Duplicate {
			t.Fatalf("retry: %+v, %v; want a duplicate", a, err)
		}
		after, err := f.s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("a duplicate changed the conversation:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

func TestAppendChecksOwnerAndExistence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		mine, _ := f.start(t, conversation.NewContact{})
		theirs, _ := f.start(t, conversation.NewContact{})
		f.mustAppend(t, inbound(theirs, "theirs-1", "private to them"))

		for _, tc := range []struct {
			name string
			m    conversation.NewMessage
		}{
			{"another contact's conversation", conversation.NewMessage{ConversationID: theirs.ID, ContactID: mine.ContactID,
				Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, Body: "let me in", ClientMessageID: "x-1"}},
			{"another contact's conversation, no client id", conversation.NewMessage{ConversationID: theirs.ID,
				ContactID: mine.ContactID, Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, Body: "hi"}},
			{"unknown conversation", conversation.NewMessage{ConversationID: "cv_nope", Direction: conversation.Outbound,
				AuthorType: conversation.AuthorAgent, Body: "anyone?"}},
			{"unknown conversation with contact", conversation.NewMessage{ConversationID: "cv_nope", ContactID: mine.ContactID,
				Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, Body: "hi", ClientMessageID: "y"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.rowCounts(t)
				_, err := f.appendTx(t, tc.m)
				wantCode(t, err, apperr.NotFound)
				f.assertUnchanged(t, before)
				if cv, _ := f.s.Conversation(context.Background(), theirs.ID); cv.LastSeq != 1 {
					t.Fatalf("their last_seq = %d, want 1", cv.LastSeq)
				}
			})
		}
	})
}

// A client message id is only unique within a conversation, and it is the
// client's own choice, so another contact can send the id someone used.
// The ownership check must still win: the intruder must get "not found",
// never the owner's message.
func TestAppendOwnerCheckedBeforeDuplicateLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		mine, _ := f.start(t, conversation.NewContact{})
		theirs, _ := f.start(t, conversation.NewContact{})
		f.mustAppend(t, inbound(theirs, "cm-1", "private to them"))

		before := f.rowCounts(t)
		a, err := f.appendTx(t, conversation.NewMessage{ConversationID: theirs.ID, ContactID: mine.ContactID,
			Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, Body: "guess", ClientMessageID: "cm-1"})
		if err == nil {
			t.Fatalf("intruder got %+v (duplicate %v), want not_found", a.Message, a.Duplicate)
		}
		wantCode(t, err, apperr.NotFound)
		f.assertUnchanged(t, before)
	})
}

func TestSendOneValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{})
		for _, tc := range []struct {
			name, body, cmid, code string
		}{
			{"empty", "", "", apperr.Invalid},
			{"whitespace only", " \n\t ", "", apperr.Invalid},
			{"invalid UTF-8", "ab\xffcd", "", apperr.Invalid},
			{"too long", strings.Repeat("a", conversation.MaxBodyRunes+1), "", apperr.TooLarge},
			{"too long in characters", strings.Repeat("你", conversation.MaxBodyRunes+1), "", apperr.TooLarge},
			{"client id too long", "hi", strings.Repeat("c", conversation.MaxClientMessageIDBytes+1), apperr.Invalid},
			{"client id with a NUL", "hi", "c\x00", apperr.Invalid},
			{"client id holding a mnemonic", "hi", strings.ReplaceAll(mnemonicEN, " ", "-"), apperr.Invalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.rowCounts(t)
				m := agentMsg(c, conversation.Outbound, tc.body)
				m.ClientMessageID = tc.cmid
				_, err := f.s.SendOne(context.Background(), m)
				wantCode(t, err, tc.code)
				f.assertUnchanged(t, before)
			})
		}
		// The limit itself is accepted, counted in characters, not bytes.
		a, err := f.s.SendOne(context.Background(), agentMsg(c, conversation.Outbound, strings.Repeat("你", conversation.MaxBodyRunes)))
		if err != nil || a.Message.Seq != 1 {
			t.Fatalf("body of exactly %d characters: %+v, %v", conversation.MaxBodyRunes, a.Message.Seq, err)
		}
	})
}

func TestInboundReopensResolvedConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c, _ := f.start(t, conversation.NewContact{})
		for _, st := range []conversation.Status{conversation.StatusResolved, conversation.StatusPending} {
			st := st
			if _, err := f.s.Update(ctx, c.ID, conversation.Change{Status: &st}); err != nil {
				t.Fatal(err)
			}
			f.mustAppend(t, agentMsg(c, conversation.Outbound, "agent reply"))
			if got, _ := f.s.Conversation(ctx, c.ID); got.Status != st {
				t.Fatalf("outbound message changed status %s to %s", st, got.Status)
			}
			// Pending waits on the contact: their answer needs an agent again.
			f.mustAppend(t, inbound(c, "", "contact writes"))
			if got, _ := f.s.Conversation(ctx, c.ID); got.Status != conversation.StatusOpen {
				t.Fatalf("inbound message left status %s as %s, want open", st, got.Status)
			}
		}
	})
}

func TestMessagesPagingHidesNotesFromContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{})
		dirs := []conversation.Direction{conversation.Inbound, conversation.Outbound, conversation.Note,
			conversation.Inbound, conversation.Note, conversation.Outbound, conversation.Inbound}
		for i, d := range dirs {
			m := agentMsg(c, d, fmt.Sprintf("message %d", i+1))
			if d == conversation.Inbound {
				m = inbound(c, fmt.Sprintf("c%d", i), m.Body)
			}
			f.mustAppend(t, m)
		}
		for _, tc := range []struct {
			after     int64
			limit     int
			withNotes bool
			want      []int64
		}{
			{0, 0, true, []int64{1, 2, 3, 4, 5, 6, 7}},
			{0, 0, false, []int64{1, 2, 4, 6, 7}},
			{0, 3, true, []int64{1, 2, 3}},
			{3, 3, true, []int64{4, 5, 6}},
			{6, 3, true, []int64{7}},
			{7, 3, true, []int64{}},
			{2, 2, false, []int64{4, 6}},
			{6, 0, false, []int64{7}},
			{100, 0, true, []int64{}},
		} {
			t.Run(fmt.Sprintf("after=%d,limit=%d,notes=%v", tc.after, tc.limit, tc.withNotes), func(t *testing.T) {
				got, err := f.s.Messages(context.Background(), c.ID, tc.after, tc.limit, tc.withNotes)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(seqOf(got), tc.want) {
					t.Fatalf("seqs = %v, want %v", seqOf(got), tc.want)
				}
				for _, m := range got {
					if !tc.withNotes && m.Direction == conversation.Note {
						t.Fatalf("note %d shown without notes", m.Seq)
					}
					if m.Attachments == nil {
						t.Fatalf("message %d has nil attachments, want []", m.Seq)
					}
				}
			})
		}
	})
}
