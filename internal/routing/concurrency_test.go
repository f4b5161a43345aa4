package routing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// 500 conversations are handed off from 5 goroutines while 20 agents with
// capacities 1 to 4 go online one after another and resolve what they get,
// and 3 more goroutines assign at the same time as the stage. Every
// conversation is assigned exactly once; replaying the outbox, no agent
// ever holds more open conversations than their capacity; within a
// priority, conversations are assigned in the order they joined the queue.
func TestConcurrentAssignment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
		c.tick = true
		e := newEnv(t, db, c, nil)
		const convs, producers, agents = 500, 5, 20
		capacity := map[string]int{}
		var ids []string
		for i := 0; i < agents; i++ {
			id := e.agent(t, fmt.Sprintf("agent%02d", i), i%4+1)
			capacity[id] = i%4 + 1
			ids = append(ids, id)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		for p := 0; p < producers; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < convs/producers; i++ {
					prio := conversation.PriorityNormal
					if i%7 == 3 {
						prio = conversation.PriorityHigh
					}
					e.handOff(t, e.inbox, prio, "en")
				}
			}()
		}
		var resolved atomic.Int64
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i) * 20 * time.Millisecond) // online one after another
				e.online(t, id, routing.Online)
				for resolved.Load() < convs && ctx.Err() == nil {
					mine := e.assigned(t, id)
					for _, conv := range mine {
						e.resolve(t, conv)
						resolved.Add(1)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
		}
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for resolved.Load() < convs && ctx.Err() == nil {
					if _, err := e.router.AssignTeam(ctx, ""); err != nil && ctx.Err() == nil {
						t.Error(err)
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Minute):
			cancel()
			<-done
			t.Fatalf("after 3 min, %d of %d resolved", resolved.Load(), convs)
		}
		if t.Failed() {
			return
		}
		if n := e.count(t, "SELECT COUNT(*) FROM routing_assignments"); n != convs {
			t.Fatalf("%d assignments logged; want %d, one per conversation", n, convs)
		}
		if n := e.count(t, "SELECT COUNT(DISTINCT conversation_id) FROM routing_assignments"); n != convs {
			t.Fatalf("%d conversations assigned; want %d", n, convs)
		}
		e.checkEvents(t, capacity, convs)
		e.checkOrder(t)
	})
}

// assigned lists the agent's open conversations.
func (e *env) assigned(t testing.TB, agent string) []string {
	rows, err := e.db.Query(context.Background(), "SELECT id FROM conversations WHERE assignee_id = ? AND status = 'open'", agent)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Error(err)
			return nil
		}
		out = append(out, id)
	}
	return out
}

// checkEvents replays every conversation.updated event in outbox order:
// each conversation goes from unassigned to assigned once, and no agent
// ever has more open or pending conversations than their capacity.
func (e *env) checkEvents(t *testing.T, capacity map[string]int, convs int) {
	t.Helper()
	rows, err := e.db.Query(context.Background(), "SELECT payload FROM events WHERE type = ? ORDER BY id", "conversation.updated")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type state struct {
		assignee string
		active   bool
	}
	states := map[string]state{}
	load := map[string]int{}
	assignments := map[string]int{}
	peak := map[string]int{}
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var c conversation.Conversation
		if err := json.Unmarshal([]byte(payload), &c); err != nil {
			t.Fatal(err)
		}
		before := states[c.ID]
		now := state{assignee: c.AssigneeID, active: c.Status == conversation.StatusOpen || c.Status == conversation.StatusPending}
		if before.assignee != "" && before.active {
			load[before.assignee]--
		}
		if now.assignee != "" && now.active {
			load[now.assignee]++
			if load[now.assignee] > capacity[now.assignee] {
				t.Fatalf("agent %s holds %d conversations, over their capacity %d", now.assignee, load[now.assignee], capacity[now.assignee])
			}
			peak[now.assignee] = max(peak[now.assignee], load[now.assignee])
		}
		if before.assignee == "" && now.assignee != "" {
			assignments[c.ID]++
		}
		states[c.ID] = now
	}
	if len(assignments) != convs {
		t.Fatalf("%d conversations were assigned in the events; want %d", len(assignments), convs)
	}
	for id, n := range assignments {
		if n != 1 {
			t.Fatalf("conversation %s was assigned %d times", id, n)
		}
	}
	full := 0
	for id, p := range peak {
		if p == capacity[id] {
			full++
		}
	}
	if full == 0 {
		t.Fatalf("no agent ever reached their capacity (peaks %v): the test did not load them", peak)
	}
}

// checkOrder: within a priority, assignments follow the queue order.
func (e *env) checkOrder(t *testing.T) {
	t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT c.priority, a.queued_at, a.conversation_id FROM routing_assignments a
		JOIN conversations c ON c.id = a.conversation_id ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	last := map[string]int64{}
	for rows.Next() {
		var prio, id string
		var queued int64
		if err := rows.Scan(&prio, &queued, &id); err != nil {
			t.Fatal(err)
		}
		if queued <= last[prio] {
			t.Fatalf("%s conversation %s (queued at %d) was assigned after one queued later (%d)", prio, id, queued, last[prio])
		}
		last[prio] = queued
	}
}
