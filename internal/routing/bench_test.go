package routing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// seedQueue writes, in one transaction, agents online with capacity 5
// each holding five open conversations, and waiting conversations in the
// queue of inboxes routed to no team: the state of a desk at its busiest.
func seedQueue(b *testing.B, e *env, agents, waiting int) []string {
	b.Helper()
	ctx := context.Background()
	now := e.clock.Now().UnixMilli()
	ids := make([]string, agents)
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		conv := func(i int, assignee any, queued bool) error {
			id, ct := fmt.Sprintf("cv_seed%06d", i), fmt.Sprintf("ct_seed%06d", i)
			if _, err := tx.Exec(ctx, "INSERT INTO contacts (id, created_at) VALUES (?, ?)", ct, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO conversations (id, inbox_id, contact_id, status, priority, assignee_id, attributes,
				last_seq, created_at, updated_at, last_activity_at) VALUES (?, ?, ?, 'open', 'normal', ?, '{"bot.handoff":"request"}', 1, ?, ?, ?)`,
				id, e.inbox.ID, ct, assignee, now, now, now); err != nil {
				return err
			}
			if queued {
				_, err := tx.Exec(ctx, "INSERT INTO routing_queue (conversation_id, team_id, rank, skills, queued_at, team_since) VALUES (?, '', 2, '[]', ?, ?)",
					id, now+int64(i), now+int64(i))
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO routing_assignments (conversation_id, team_id, agent_id, queued_at, assigned_at) VALUES (?, '', ?, ?, ?)",
				id, assignee, now, now)
			return err
		}
		n := 0
		for a := 0; a < agents; a++ {
			ids[a] = fmt.Sprintf("ag_seed%04d", a)
			if _, err := tx.Exec(ctx, `INSERT INTO agents (id, email, name, role, password_hash, active, created_at) VALUES (?, ?, ?, 'agent', 'x', 1, ?)`,
				ids[a], ids[a]+"@example.com", ids[a], now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO agent_routing (agent_id, presence, presence_since, capacity) VALUES (?, 'online', ?, 5)", ids[a], now); err != nil {
				return err
			}
			for k := 0; k < 5; k++ {
				if err := conv(n, ids[a], false); err != nil {
					return err
				}
				n++
			}
		}
		for w := 0; w < waiting; w++ {
			if err := conv(n, nil, true); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if e.db.Dialect == store.Postgres {
		// As autovacuum would after such a load: without statistics the
		// planner reads the whole queue to find its head.
		if _, err := e.db.Exec(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

// BenchmarkAssignLatency: 200 agents online, each at their capacity of 5,
// and 10,000 conversations waiting. Each iteration one agent resolves a
// conversation; timed from the resolve's commit to the delivery of the
// conversation.updated event that gives them the next waiting one (the
// stage's subscriber, its pass, and the outbox on the way). p50/p99 are
// reported.
//
//	go test -run '^$' -bench AssignLatency -benchtime 300x ./internal/routing/
func BenchmarkAssignLatency(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			e, assigned := assignedEnv(b, engine, func(c conversation.Conversation) string { return c.AssigneeID })
			agents := seedQueue(b, e, 200, 10000)
			e.router.Kick()
			ctx := context.Background()
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				agent := agents[i%len(agents)]
				mine := e.assigned(b, agent)
				if len(mine) == 0 {
					b.Fatalf("agent %s holds nothing", agent)
				}
				st := conversation.StatusResolved
				if _, err := e.convs.Update(ctx, mine[0], conversation.Change{Status: &st}); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				awaitAssigned(b, assigned, agent)
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, lat)
			if n := e.count(b, "SELECT COUNT(*) FROM routing_queue"); n != 10000-b.N {
				b.Fatalf("%d waiting; want %d", n, 10000-b.N)
			}
		})
	}
}

// away is a Notifier with no visitor connected.
type away struct{}

func (away) Listening(string) bool          { return false }
func (away) Ephemeral(string, []byte, bool) {}

// BenchmarkHandoffToAssigned: 200 agents online, each with room for one
// more, the queue empty. Each iteration hands a conversation off as the
// bot does; timed from the hand-off's commit to the delivery of the event
// that assigns it.
//
//	go test -run '^$' -bench HandoffToAssigned -benchtime 300x ./internal/routing/
func BenchmarkHandoffToAssigned(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			e, assigned := assignedEnv(b, engine, func(c conversation.Conversation) string { return c.ID })
			db := e.db
			seedQueue(b, e, 200, 0)
			if _, err := db.Exec(context.Background(), "UPDATE agent_routing SET capacity = 6"); err != nil {
				b.Fatal(err)
			}
			e.router.Kick()
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id, _ := e.handOff(b, e.inbox, conversation.PriorityNormal, "en")
				start := time.Now()
				awaitAssigned(b, assigned, id)
				lat = append(lat, time.Since(start))
				b.StopTimer()
				e.resolve(b, id) // room again for the next one
				b.StartTimer()
			}
			b.StopTimer()
			reportLatency(b, lat)
		})
	}
}

// assignedEnv is a stage over a fresh database of the engine, with a
// watcher that sends pick(c) for every conversation.updated event
// assigning an open conversation c.
func assignedEnv(b *testing.B, engine string, pick func(conversation.Conversation) string) (*env, chan string) {
	b.Helper()
	db := storetest.SQLite(b)
	if engine == "postgres" {
		db = storetest.Postgres(b)
	}
	assigned := make(chan string, 1024)
	watch := func(_ context.Context, evs []bus.Event) error {
		for _, ev := range evs {
			var c conversation.Conversation
			if ev.Type == bus.ConversationUpdated && json.Unmarshal(ev.Payload, &c) == nil && c.AssigneeID != "" && c.Status == conversation.StatusOpen {
				assigned <- pick(c)
			}
		}
		return nil
	}
	// Nobody's chat is open: places are worked out but not sent.
	return newEnvWatching(b, db, newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)), away{}, watch), assigned
}

// awaitAssigned waits for want on assigned.
func awaitAssigned(b *testing.B, assigned chan string, want string) {
	b.Helper()
	for got := ""; got != want; {
		select {
		case got = <-assigned:
		case <-time.After(30 * time.Second):
			b.Fatalf("no assignment of %s within 30 s", want)
		}
	}
}

// reportLatency reports the median and the 99th percentile of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
