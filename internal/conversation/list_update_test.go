package conversation_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inbox2, err := f.s.CreateInbox(ctx, "API", conversation.ChannelAPI)
		if err != nil {
			t.Fatal(err)
		}
		ag, err := auth.NewService(db, time.Now).CreateAgent(ctx, "agent@example.com", "Agent", auth.RoleAgent, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		type spec struct {
			inbox    conversation.Inbox
			status   conversation.Status
			assignee string
			tags     []string
		}
		specs := map[string]spec{
			"c1": {f.inbox, conversation.StatusOpen, ag.ID, []string{"vip"}},
			"c2": {f.inbox, conversation.StatusPending, "", []string{"billing"}},
			"c3": {inbox2, conversation.StatusResolved, ag.ID, []string{"vip", "billing"}},
			"c4": {inbox2, conversation.StatusOpen, "", nil},
			"c5": {f.inbox, conversation.StatusOpen, "", []string{"vip"}},
		}
		ids := map[string]string{} // name → id
		names := map[string]string{}
		for _, name := range []string{"c1", "c2", "c3", "c4", "c5"} {
			sp := specs[name]
			c, _, err := f.s.Start(ctx, sp.inbox, conversation.NewContact{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			tags := sp.tags
			if _, err := f.s.Update(ctx, c.ID, conversation.Change{Status: &sp.status, AssigneeID: &sp.assignee, Tags: &tags}); err != nil {
				t.Fatalf("set up %s: %v", name, err)
			}
			ids[name], names[c.ID] = c.ID, name
		}
		for _, tc := range []struct {
			name string
			f    conversation.Filter
			want []string
		}{
			{"all", conversation.Filter{}, []string{"c1", "c2", "c3", "c4", "c5"}},
			{"open", conversation.Filter{Status: conversation.StatusOpen}, []string{"c1", "c4", "c5"}},
			{"resolved", conversation.Filter{Status: conversation.StatusResolved}, []string{"c3"}},
			{"closed", conversation.Filter{Status: conversation.StatusClosed}, []string{}},
			{"assignee", conversation.Filter{AssigneeID: ag.ID}, []string{"c1", "c3"}},
			{"unassigned", conversation.Filter{Unassigned: true}, []string{"c2", "c4", "c5"}},
			{"tag vip", conversation.Filter{Tag: "vip"}, []string{"c1", "c3", "c5"}},
			{"tag billing", conversation.Filter{Tag: "billing"}, []string{"c2", "c3"}},
			{"tag unknown", conversation.Filter{Tag: "nope"}, []string{}},
			{"inbox", conversation.Filter{InboxID: inbox2.ID}, []string{"c3", "c4"}},
			{"inbox and open", conversation.Filter{InboxID: f.inbox.ID, Status: conversation.StatusOpen}, []string{"c1", "c5"}},
			{"open, unassigned, vip", conversation.Filter{Status: conversation.StatusOpen, Unassigned: true, Tag: "vip"}, []string{"c5"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := f.s.List(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var gotNames []string
				for _, c := range got {
					gotNames = append(gotNames, names[c.ID])
					if c.Tags == nil || c.Attributes == nil {
						t.Fatalf("conversation %s has nil tags or attributes", c.ID)
					}
				}
				slices.Sort(gotNames)
				if len(gotNames) != len(tc.want) || (len(gotNames) > 0 && !slices.Equal(gotNames, tc.want)) {
					t.Fatalf("got %v, want %v", gotNames, tc.want)
				}
				if total != len(tc.want) {
					t.Fatalf("total = %d, want %d", total, len(tc.want))
				}
				for _, c := range got {
					if want := specs[names[c.ID]].tags; len(want) > 0 {
						w := slices.Clone(want)
						slices.Sort(w)
						if !slices.Equal(c.Tags, w) {
							t.Fatalf("%s tags = %v, want %v", names[c.ID], c.Tags, w)
						}
					}
				}
			})
		}

		// A limit caps the page but not the total.
		page, total, err := f.s.List(ctx, conversation.Filter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 2 || total != 5 {
			t.Fatalf("limit 2: %d conversations, total %d; want 2 and 5", len(page), total)
		}
		_, _, err = f.s.List(ctx, conversation.Filter{Status: "archived"})
		wantCode(t, err, apperr.Invalid)
	})
}

func ptr[T any](v T) *T { return &v }

func TestUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ag, err := auth.NewService(db, time.Now).CreateAgent(ctx, "agent@example.com", "Agent", auth.RoleAgent, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.start(t, conversation.NewContact{})
		f.mustAppend(t, inbound(c, "", "hello"))
		future := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Millisecond)

		for _, tc := range []struct {
			name  string
			ch    conversation.Change
			code  string // "" when the update must succeed
			check func(t *testing.T, got conversation.Conversation)
		}{
			{name: "status pending", ch: conversation.Change{Status: ptr(conversation.StatusPending)},
				check: func(t *testing.T, got conversation.Conversation) {
					if got.Status != conversation.StatusPending {
						t.Fatalf("status = %s", got.Status)
					}
				}},
			{name: "unknown status", ch: conversation.Change{Status: ptr(conversation.Status("archived"))}, code: apperr.Invalid},
			{name: "snooze without until", ch: conversation.Change{Status: ptr(conversation.StatusSnoozed)}, code: apperr.Invalid},
			{name: "snooze into the past", ch: conversation.Change{Status: ptr(conversation.StatusSnoozed),
				SnoozedUntil: ptr(time.Now().Add(-time.Minute))}, code: apperr.Invalid},
			{name: "snooze", ch: conversation.Change{Status: ptr(conversation.StatusSnoozed), SnoozedUntil: &future},
				check: func(t *testing.T, got conversation.Conversation) {
					if got.Status != conversation.StatusSnoozed || got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(future) {
						t.Fatalf("status %s until %v, want snoozed until %v", got.Status, got.SnoozedUntil, future)
					}
				}},
			{name: "open clears snooze", ch: conversation.Change{Status: ptr(conversation.StatusOpen)},
				check: func(t *testing.T, got conversation.Conversation) {
					if got.Status != conversation.StatusOpen || got.SnoozedUntil != nil {
						t.Fatalf("status %s until %v, want open without snooze", got.Status, got.SnoozedUntil)
					}
				}},
			{name: "priority", ch: conversation.Change{Priority: ptr(conversation.PriorityUrgent)},
				check: func(t *testing.T, got conversation.Conversation) {
					if got.Priority != conversation.PriorityUrgent {
						t.Fatalf("priority = %s", got.Priority)
					}
				}},
			{name: "unknown priority", ch: conversation.Change{Priority: ptr(conversation.Priority("asap"))}, code: apperr.Invalid},
			{name: "tags normalized", ch: conversation.Change{Tags: &[]string{" VIP ", "vip", "Billing", "", "  "}},
				check: func(t *testing.T, got conversation.Conversation) {
					if !slices.Equal(got.Tags, []string{"billing", "vip"}) {
						t.Fatalf("tags = %q, want [billing vip]", got.Tags)
					}
				}},
			{name: "tag too long", ch: conversation.Change{Tags: &[]string{strings.Repeat("t", 51)}}, code: apperr.Invalid},
			{name: "attributes set", ch: conversation.Change{Attributes: map[string]*string{"plan": ptr("gold"), "os": ptr("ios")}},
				check: func(t *testing.T, got conversation.Conversation) {
					if !reflect.DeepEqual(got.Attributes, map[string]string{"plan": "gold", "os": "ios"}) {
						t.Fatalf("attributes = %v", got.Attributes)
					}
				}},
			{name: "attributes delete and change", ch: conversation.Change{Attributes: map[string]*string{"plan": nil, "os": ptr("android")}},
				check: func(t *testing.T, got conversation.Conversation) {
					if !reflect.DeepEqual(got.Attributes, map[string]string{"os": "android"}) {
						t.Fatalf("attributes = %v", got.Attributes)
					}
				}},
			{name: "attribute with empty name", ch: conversation.Change{Attributes: map[string]*string{"": ptr("x")}}, code: apperr.Invalid},
			{name: "unknown assignee", ch: conversation.Change{AssigneeID: ptr("ag_nobody")}, code: apperr.Invalid},
			{name: "unknown team", ch: conversation.Change{TeamID: ptr("tm_nobody")}, code: apperr.Invalid},
			{name: "assign", ch: conversation.Change{AssigneeID: &ag.ID},
				check: func(t *testing.T, got conversation.Conversation) {
					if got.AssigneeID != ag.ID {
						t.Fatalf("assignee = %q", got.AssigneeID)
					}
				}},
			{name: "unassign", ch: conversation.Change{AssigneeID: ptr("")},
				check: func(t *testing.T, got conversation.Conversation) {
					if got.AssigneeID != "" {
						t.Fatalf("assignee = %q, want none", got.AssigneeID)
					}
				}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.rowCounts(t)
				stored, err := f.s.Conversation(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				ev := f.lastEventID(t)
				got, err := f.s.Update(ctx, c.ID, tc.ch)
				if tc.code != "" {
					wantCode(t, err, tc.code)
					f.assertUnchanged(t, before)
					now, _ := f.s.Conversation(ctx, c.ID)
					if !reflect.DeepEqual(now, stored) {
						t.Fatalf("refused update changed the conversation:\nbefore %+v\nafter  %+v", stored, now)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, got)
				reread, err := f.s.Conversation(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, reread)
				var payload conversation.Conversation
				f.oneEvent(t, ev, bus.ConversationUpdated, c.ID, 1, &payload)
				tc.check(t, payload)
				if payload.ID != c.ID || payload.LastSeq != 1 {
					t.Fatalf("conversation.updated payload %+v", payload)
				}
			})
		}

		_, err = f.s.Update(ctx, "cv_nope", conversation.Change{Priority: ptr(conversation.PriorityHigh)})
		wantCode(t, err, apperr.NotFound)
	})
}

// Concurrent updates of different attributes must not lose each other:
// Update is a read-modify-write of the attributes column.
func TestConcurrentAttributeUpdatesKeepEveryKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c, _ := f.start(t, conversation.NewContact{})
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.s.Update(ctx, c.ID, conversation.Change{Attributes: map[string]*string{fmt.Sprintf("k%d", i): ptr("v")}})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("update: %v", err)
			}
		}
		got, err := f.s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Attributes) != n {
			t.Fatalf("after %d concurrent updates of different keys the conversation has %d: %v", n, len(got.Attributes), got.Attributes)
		}
	})
}
