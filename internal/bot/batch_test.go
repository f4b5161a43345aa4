package bot

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/matcher"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// TestBatchDecidesInOrderAndCommitsTogether: a burst of questions from
// several conversations, delivered in one batch, is decided as if one
// message came at a time (the second unhelpful answer hands off, nothing
// follows a hand-off), and the decisions are written together: fewer
// transactions than decisions.
func TestBatchDecidesInOrderAndCommitsTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		convs, ks, in := demoDesk(t, db, time.Now)
		if _, err := convs.SetInboxBot(ctx, in.ID, true); err != nil {
			t.Fatal(err)
		}
		send := func(c conversation.Conversation, ct conversation.Contact, body string) {
			t.Helper()
			if err := convs.Write(ctx, func(tx *store.Tx) error {
				_, err := convs.Append(ctx, tx, conversation.NewMessage{ConversationID: c.ID, ContactID: ct.ID,
					Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, AuthorID: ct.ID, Body: body})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Unanswerable twice, then questions the bot could answer.
		lost, lostContact, err := convs.Start(ctx, in, conversation.NewContact{})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"我想开一张信用卡", "信用卡额度怎么提高", "How do I add a custom token to my wallet?", "转账一直没到账怎么办"} {
			send(lost, lostContact, q)
		}
		// Answerable every time, in the same batch.
		happy, happyContact, err := convs.Start(ctx, in, conversation.NewContact{})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"How do I add a custom token to my wallet?", "转账一直没到账怎么办", "How do I add a custom token to my wallet?"} {
			send(happy, happyContact, q)
		}
		evs, err := bus.ReadEvents(ctx, db, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		// As in production: the decisions go through intake's group commit.
		in2 := intake.New(convs, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), intake.Options{})
		defer in2.Close()
		s := newService(convs, ks, Options{Writer: in2, Pressure: in2})
		defer s.Close()
		if err := s.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		var commits atomic.Int64
		db.AfterCommit(func() { commits.Add(1) })
		defer db.AfterCommit(nil)
		if err := s.Handle(ctx, evs); err != nil {
			t.Fatal(err)
		}
		outcomes := func(id string) []string {
			ds, err := s.Decisions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, d.outcomeColumn())
			}
			return out
		}
		if got, want := outcomes(lost.ID), []string{OutcomeNoAnswer, OutcomeHandoff + ":" + ReasonUnhelpful, OutcomeQuiet, OutcomeQuiet}; !slices.Equal(got, want) {
			t.Errorf("unanswerable conversation: outcomes %v, want %v", got, want)
		}
		if got, want := outcomes(happy.ID), []string{OutcomeAnswered, OutcomeAnswered, OutcomeAnswered}; !slices.Equal(got, want) {
			t.Errorf("answerable conversation: outcomes %v, want %v", got, want)
		}
		if n := commits.Load(); n < 1 || n > 2 {
			t.Errorf("7 decisions in 2 conversations took %d write transactions; want at most one per conversation", n)
		}
		// Delivered again (a restart before the cursor was saved): nothing new.
		if err := s.Handle(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if got := outcomes(lost.ID); len(got) != 4 {
			t.Errorf("redelivery added decisions: %v", got)
		}
		msgs, err := convs.Messages(ctx, happy.ID, 0, 100, false)
		if err != nil {
			t.Fatal(err)
		}
		bots := 0
		for _, m := range msgs {
			if m.AuthorType == conversation.AuthorBot {
				bots++
			}
		}
		if bots != 3 {
			t.Errorf("answerable conversation has %d bot messages after a redelivery, want 3", bots)
		}
	})
}

// TestMatchCacheKeepsRecentRankings: a cached ranking is the matcher's
// own, a copy the caller may change, asked-for counts above what was
// cached miss, and the least recently used question is dropped first.
func TestMatchCacheKeepsRecentRankings(t *testing.T) {
	c := newMatchCache(2)
	a := []matcher.Candidate{{ArticleID: "a", Confidence: 0.9}, {ArticleID: "b", Confidence: 0.05}}
	c.put("q1", 2, a)
	got, ok := c.get("q1", 1)
	if !ok || len(got) != 1 || got[0] != a[0] {
		t.Fatalf("get(q1, 1) = %v, %v; want the first candidate", got, ok)
	}
	got[0].ArticleID = "changed"
	if again, _ := c.get("q1", 2); again[0].ArticleID != "a" {
		t.Fatalf("a caller's change reached the cache: %v", again)
	}
	if _, ok := c.get("q1", 3); ok {
		t.Fatal("get(q1, 3) hit a ranking of 2")
	}
	c.put("q2", 2, a)
	c.get("q1", 1) // q1 is now the most recent
	c.put("q3", 2, a)
	if _, ok := c.get("q2", 1); ok {
		t.Fatal("q2, the least recently used, was kept")
	}
	if _, ok := c.get("q1", 1); !ok {
		t.Fatal("q1, used recently, was dropped")
	}
}
