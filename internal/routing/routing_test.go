package routing_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// teamInbox makes a team, routes a new inbox to it, and adds members.
func (e *env) teamInbox(t testing.TB, name string, members ...string) (string, conversation.Inbox) {
	t.Helper()
	ctx := context.Background()
	team, err := e.convs.CreateTeam(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.convs.CreateInbox(ctx, name+" chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	if in, err = e.convs.SetInboxTeam(ctx, in.ID, team.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if err := e.convs.AddTeamMember(ctx, team.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	return team.ID, in
}

// handled logs n assignments of the team that agents kept for d each, as
// the stage logs them, so the expected wait has handling times to go by.
func (e *env) handled(t testing.TB, team string, n int, d time.Duration) {
	t.Helper()
	for i := 0; i < n; i++ {
		c, _, err := e.convs.Start(context.Background(), e.inbox, conversation.NewContact{})
		if err != nil {
			t.Fatal(err)
		}
		at := e.clock.Now().Add(-24 * time.Hour).UnixMilli()
		if _, err := e.db.Exec(context.Background(), `INSERT INTO routing_assignments (conversation_id, team_id, agent_id, queued_at, assigned_at, released_at)
			VALUES (?, ?, 'ag_x', ?, ?, ?)`, c.ID, team, at, at, at+d.Milliseconds()); err != nil {
			t.Fatal(err)
		}
	}
}

// The expected wait counts only opening hours when nobody is online:
// across a weekend and a holiday, in Asia/Shanghai and America/New_York.
func TestExpectedWaitCountsClosedHours(t *testing.T) {
	week := map[string][]string{"mon": {"09:00-18:00"}, "tue": {"09:00-18:00"}, "wed": {"09:00-18:00"},
		"thu": {"09:00-18:00"}, "fri": {"09:00-18:00"}}
	for _, tc := range []struct {
		name, tz, now string
		holidays      []string
		// with no handling times: until it opens; with 10 min each over
		// two members of capacity 1, three conversations add 15 min.
		opens string
	}{
		{"Shanghai weekend", "Asia/Shanghai", "2026-12-04 18:30", nil, "2026-12-07 09:00"},
		{"Shanghai holiday Monday", "Asia/Shanghai", "2026-12-04 18:30", []string{"2026-12-07"}, "2026-12-08 09:00"},
		{"New York Thanksgiving", "America/New_York", "2026-11-25 18:00", []string{"2026-11-26"}, "2026-11-27 09:00"},
		{"New York weekend", "America/New_York", "2026-11-27 18:30", nil, "2026-11-30 09:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, _ := time.LoadLocation(tc.tz)
			at, _ := time.ParseInLocation("2006-01-02 15:04", tc.now, loc)
			opens, _ := time.ParseInLocation("2006-01-02 15:04", tc.opens, loc)
			e := newEnv(t, storetest.SQLite(t), newClock(at), nil)
			a, b := e.agent(t, "mei", 1), e.agent(t, "li", 1)
			team, in := e.teamInbox(t, "Support", a, b)
			if _, err := e.router.Store().SetTeam(context.Background(), team, routing.TeamChange{TimeZone: &tc.tz, Week: &week, Holidays: &tc.holidays}); err != nil {
				t.Fatal(err)
			}
			var last routing.Place
			for i := 0; i < 3; i++ {
				e.clock.Add(time.Millisecond) // each joins the queue after the last
				_, last = e.handOff(t, in, conversation.PriorityNormal, "en")
			}
			at = e.clock.Now()
			if last.Open || last.OpensAt == nil || !last.OpensAt.Equal(opens) || last.Position != 3 || last.AgentsOnline != 0 {
				t.Fatalf("place %+v; want closed, position 3, opening %v", last, opens)
			}
			if !last.ETAKnown || time.Duration(last.ETASeconds)*time.Second != opens.Sub(at).Round(time.Second) {
				t.Fatalf("wait %ds with no handling times; want until opening, %v", last.ETASeconds, opens.Sub(at))
			}
			e.handled(t, team, 3, 10*time.Minute)
			e.clock.Add(time.Millisecond)
			_, p := e.handOff(t, in, conversation.PriorityNormal, "en")
			// Four waiting, 10 min each, two agents: 20 min of work after
			// opening (to the second: the clock moved a few milliseconds).
			if want := opens.Add(20 * time.Minute).Sub(at).Round(time.Second); time.Duration(p.ETASeconds)*time.Second != want {
				t.Fatalf("wait %ds; want %v (opening plus 20 min of work)", p.ETASeconds, want)
			}
		})
	}
}

// Positions move up as agents take conversations; the visitors connected
// are told each change, and the assigned one who has it.
func TestPlacesMoveUpAndAssignmentIsTold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := &listeners{}
		e := newEnv(t, db, newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)), l)
		mei := e.agent(t, "mei", 1)
		var ids []string
		for i := 0; i < 3; i++ {
			e.clock.Add(time.Millisecond)
			id, p := e.handOff(t, e.inbox, conversation.PriorityNormal, "en")
			if p.Position != i+1 || p.ETAKnown {
				t.Fatalf("hand-off %d: %+v; want position %d and no estimate (nobody online, nothing measured)", i, p, i+1)
			}
			ids = append(ids, id)
		}
		e.online(t, mei, routing.Online)
		eventually(t, "the first conversation assigned", func() bool { return e.assignee(t, ids[0]) == mei })
		place := func(id string) routing.Place {
			p, err := e.router.Place(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		if p := place(ids[2]); p.Position != 2 || p.AgentsOnline != 1 {
			t.Fatalf("third: %+v; want position 2 with one agent online", p)
		}
		if p := place(ids[0]); p.Position != 0 || p.Assignee == nil || p.Assignee.Name != "mei" {
			t.Fatalf("first: %+v; want position 0 with mei", p)
		}
		e.resolve(t, ids[0])
		eventually(t, "the second conversation assigned", func() bool { return e.assignee(t, ids[1]) == mei })
		eventually(t, "the third told position 1", func() bool { return lastFrame(l, ids[2]).Position == 1 })
		e.resolve(t, ids[1])
		eventually(t, "the third told it is assigned", func() bool {
			f := lastFrame(l, ids[2])
			return f.Position == 0 && f.Assignee != nil && f.Assignee.ID == mei
		})
	})
}

func lastFrame(l *listeners, id string) routing.QueueFrame {
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.frames[id]
	var f routing.QueueFrame
	if len(fs) > 0 {
		_ = json.Unmarshal(fs[len(fs)-1], &f)
	} else {
		f.Position = -1
	}
	return f
}

// Skills first, then the least loaded; with round robin, the one who
// waited longest since their last conversation.
func TestSkillsThenLoadOrRoundRobin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
		c.tick = true
		e := newEnv(t, db, c, nil)
		en, zh := e.agent(t, "alice", 5, "en"), e.agent(t, "wang", 5, "zh-CN", "tron")
		e.online(t, en, routing.Online)
		e.online(t, zh, routing.Online)
		cn, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "zh-CN")
		eventually(t, "the Chinese conversation assigned", func() bool { return e.assignee(t, cn) != "" })
		if got := e.assignee(t, cn); got != zh {
			t.Fatalf("Chinese conversation went to %s; want the zh-CN agent %s", got, zh)
		}
		// Least loaded: wang has one, so the next unskilled one goes to alice.
		x, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "")
		eventually(t, "assigned", func() bool { return e.assignee(t, x) != "" })
		if got := e.assignee(t, x); got != en {
			t.Fatalf("went to %s; want the least loaded %s", got, en)
		}
		// A Chinese conversation still goes to wang though he is busier.
		cn2, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "zh-CN")
		eventually(t, "assigned", func() bool { return e.assignee(t, cn2) != "" })
		if got := e.assignee(t, cn2); got != zh {
			t.Fatalf("second Chinese conversation went to %s; want %s", got, zh)
		}
		// Round robin in a team: turns, whatever the loads.
		a, b := e.agent(t, "ann", 5), e.agent(t, "bo", 5)
		team, in := e.teamInbox(t, "Payments", a, b)
		rr := routing.RoundRobin
		if _, err := e.router.Store().SetTeam(context.Background(), team, routing.TeamChange{Mode: &rr}); err != nil {
			t.Fatal(err)
		}
		e.online(t, a, routing.Online)
		e.online(t, b, routing.Online)
		var got []string
		for i := 0; i < 4; i++ {
			id, _ := e.handOff(t, in, conversation.PriorityNormal, "")
			eventually(t, "assigned", func() bool { return e.assignee(t, id) != "" })
			got = append(got, e.assignee(t, id))
		}
		if got[0] == got[1] || got[0] != got[2] || got[1] != got[3] {
			t.Fatalf("round robin gave %v; want alternating turns", got)
		}
	})
}

// An online agent whose console closed turns away after the grace
// period (and gets nothing more); reconnecting brings them back.
func TestIdleAgentTurnsAwayAndComesBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
		e := newEnv(t, db, c, nil)
		ctx := context.Background()
		mei := e.agent(t, "mei", 5)
		e.online(t, mei, routing.Online)
		e.router.SocketOpened(ctx, mei)
		e.router.SocketOpened(ctx, mei) // two tabs
		e.router.SocketClosed(ctx, mei)
		c.Add(3 * time.Minute)
		presence := func() routing.Agent {
			a, err := e.router.Store().Agent(ctx, mei)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		time.Sleep(500 * time.Millisecond) // ticks pass
		if p := presence(); p.Presence != routing.Online {
			t.Fatalf("presence %s with a tab still open; want online", p.Presence)
		}
		e.router.SocketClosed(ctx, mei)
		c.Add(time.Minute)
		if p := presence(); p.Presence != routing.Online {
			t.Fatalf("presence %s within the grace period; want online", p.Presence)
		}
		c.Add(90 * time.Second)
		eventually(t, "away after the grace period", func() bool { return presence().Presence == routing.Away })
		id, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "en")
		time.Sleep(500 * time.Millisecond)
		if got := e.assignee(t, id); got != "" {
			t.Fatalf("an away agent was given %s", id)
		}
		e.router.SocketOpened(ctx, mei)
		if p := presence(); p.Presence != routing.Online {
			t.Fatalf("presence %s after reconnecting; want online", p.Presence)
		}
		eventually(t, "assigned once back", func() bool { return e.assignee(t, id) == mei })
		// A chosen away is not undone by a connection.
		if _, err := e.router.SetPresence(ctx, mei, routing.Away); err != nil {
			t.Fatal(err)
		}
		e.router.SocketClosed(ctx, mei)
		e.router.SocketOpened(ctx, mei)
		if p := presence(); p.Presence != routing.Away {
			t.Fatalf("presence %s; a chosen away must stay", p.Presence)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM events WHERE type = 'agent.presence'"); n < 4 {
			t.Fatalf("%d presence events; want one per change", n)
		}
	})
}

// A conversation that waited longer than the team's rule allows moves to
// the overflow team, keeping its place in line, and is assigned there.
func TestOverflowMovesLongWaits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
		e := newEnv(t, db, c, nil)
		backup := e.agent(t, "backup", 2)
		first, in := e.teamInbox(t, "Tier 1")
		second, _ := e.teamInbox(t, "Tier 2", backup)
		ten := 10
		if _, err := e.router.Store().SetTeam(context.Background(), first, routing.TeamChange{OverflowTeamID: &second, OverflowAfterMinutes: &ten}); err != nil {
			t.Fatal(err)
		}
		e.online(t, backup, routing.Online)
		id, _ := e.handOff(t, in, conversation.PriorityNormal, "en")
		c.Add(9 * time.Minute)
		time.Sleep(500 * time.Millisecond)
		if got := e.assignee(t, id); got != "" {
			t.Fatalf("assigned to %s before the overflow time", got)
		}
		c.Add(2 * time.Minute)
		eventually(t, "overflowed and assigned", func() bool { return e.assignee(t, id) == backup })
		conv, err := e.convs.Conversation(context.Background(), id)
		if err != nil || conv.TeamID != second {
			t.Fatalf("conversation team %q (%v); want the overflow team %s", conv.TeamID, err, second)
		}
	})
}

// Manual assignment counts against capacity, and a resolve frees it: the
// waiting conversation is assigned at once.
func TestManualAssignmentCountsAndResolveFrees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)), nil)
		mei := e.agent(t, "mei", 1)
		ctx := context.Background()
		held, _, err := e.convs.Start(ctx, e.inbox, conversation.NewContact{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.convs.Update(ctx, held.ID, conversation.Change{AssigneeID: &mei}); err != nil {
			t.Fatal(err)
		}
		e.online(t, mei, routing.Online)
		id, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "en")
		time.Sleep(500 * time.Millisecond)
		if got := e.assignee(t, id); got != "" {
			t.Fatalf("assigned to %s beyond their capacity", got)
		}
		e.resolve(t, held.ID)
		eventually(t, "assigned after the resolve", func() bool { return e.assignee(t, id) == mei })
		if n := e.count(t, "SELECT COUNT(*) FROM routing_assignments WHERE conversation_id = ? AND released_at IS NOT NULL", held.ID); n != 1 {
			t.Fatalf("manual assignment logged and released %d times; want once", n)
		}
	})
}

// Assignment follows the events, not the periodic check: with the check
// an hour apart, a hand-off, an agent going online and a resolve each
// assign at once.
func TestAssignmentFollowsEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hour := func(o *routing.Options) { o.Tick = time.Hour }
		e := newEnvWatching(t, db, newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)), nil, nil, hour)
		mei := e.agent(t, "mei", 1)
		time.Sleep(100 * time.Millisecond) // the first pass at start is over
		first, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "en")
		e.online(t, mei, routing.Online)
		eventually(t, "assigned when she went online", func() bool { return e.assignee(t, first) == mei })
		second, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "en")
		e.resolve(t, first)
		eventually(t, "the next assigned when she resolved", func() bool { return e.assignee(t, second) == mei })
		e.resolve(t, second)
		eventually(t, "the resolve seen", func() bool {
			return e.count(t, "SELECT COUNT(*) FROM routing_assignments WHERE conversation_id = ? AND released_at IS NOT NULL", second) == 1
		})
		time.Sleep(300 * time.Millisecond) // the pass it caused is over
		third, _ := e.handOff(t, e.inbox, conversation.PriorityNormal, "en")
		eventually(t, "a hand-off assigned at once", func() bool { return e.assignee(t, third) == mei })
	})
}

// In an inbox without the bot, the visitor's first message queues the
// conversation, asking for its language and the chains of its wallet
// context: the agent matching most of them gets it.
func TestSkillsFromTheVisitor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)), nil)
		ctx := context.Background()
		if _, err := e.convs.SetInboxBot(ctx, e.inbox.ID, false); err != nil {
			t.Fatal(err)
		}
		e.agent(t, "alice", 5, "en", "tron")
		e.agent(t, "wang", 5, "zh-CN")
		both := e.agent(t, "zhao", 5, "zh-CN", "tron")
		for _, id := range e.agentIDs(t) {
			e.online(t, id, routing.Online)
		}
		c, ct, err := e.convs.Start(ctx, e.inbox, conversation.NewContact{})
		if err != nil {
			t.Fatal(err)
		}
		addr := "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
		if err := e.convs.Write(ctx, func(tx *store.Tx) error {
			if _, err := e.convs.UpdateTx(ctx, tx, c.ID, conversation.Change{Attributes: map[string]*string{"wallet.tron.address": &addr}}); err != nil {
				return err
			}
			_, err := e.convs.Append(ctx, tx, conversation.NewMessage{ConversationID: c.ID, ContactID: ct.ID,
				Direction: conversation.Inbound, AuthorType: conversation.AuthorContact, AuthorID: ct.ID, Body: "我的USDT转账一直pending"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "assigned", func() bool { return e.assignee(t, c.ID) != "" })
		if got := e.assignee(t, c.ID); got != both {
			t.Fatalf("went to %s; want %s, who reads Chinese and knows Tron", got, both)
		}
	})
}

func (e *env) agentIDs(t testing.TB) []string {
	t.Helper()
	as, err := e.auth.Agents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}
