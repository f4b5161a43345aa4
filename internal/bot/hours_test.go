package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// After hours, the hand-off tells the visitor when the team opens, in
// their language and the team's zone, across a weekend and holidays: the
// conversation stays queued for then.
func TestAfterHoursHandoffTellsWhenSupportOpens(t *testing.T) {
	weekdays := map[string][]string{"mon": {"09:00-18:00"}, "tue": {"09:00-18:00"}, "wed": {"09:00-18:00"},
		"thu": {"09:00-18:00"}, "fri": {"09:00-18:00"}}
	for _, tc := range []struct {
		name, tz, question string
		holidays           []string
		now                string // in the zone
		opens              string // in the zone
		want               string
	}{
		{"National Day in Shanghai", "Asia/Shanghai", "转人工", []string{"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"},
			"2026-09-30 20:00", "2026-10-08 09:00", "将于10月8日 09:00（北京时间）上线"},
		{"a weekend in Shanghai", "Asia/Shanghai", "人工客服", nil, "2026-12-05 10:00", "2026-12-07 09:00", "将于周一 09:00（北京时间）上线"},
		{"a weekend and a holiday Monday in New York", "America/New_York", "I want to talk to a human", []string{"2026-11-30"},
			"2026-11-27 19:00", "2026-12-01 09:00", "opens Tuesday at 09:00 (New York time)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				loc, _ := time.LoadLocation(tc.tz)
				at, _ := time.ParseInLocation("2006-01-02 15:04", tc.now, loc)
				opens, _ := time.ParseInLocation("2006-01-02 15:04", tc.opens, loc)
				now := func() time.Time { return at }
				convs, ks, in := demoDesk(t, db, now)
				team, err := convs.CreateTeam(ctx, "Support")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := convs.SetInboxTeam(ctx, in.ID, team.ID); err != nil {
					t.Fatal(err)
				}
				week, days := weekdays, tc.holidays
				if _, err := routing.NewStore(db, now).SetTeam(ctx, team.ID, routing.TeamChange{TimeZone: &tc.tz, Week: &week, Holidays: &days}); err != nil {
					t.Fatal(err)
				}
				id := ask(t, convs, in, tc.question)
				evs, err := bus.ReadEvents(ctx, db, 0, 100)
				if err != nil {
					t.Fatal(err)
				}
				if err := newService(convs, ks, Options{}).Handle(ctx, evs); err != nil {
					t.Fatal(err)
				}
				msgs, err := convs.Messages(ctx, id, 1, 10, false)
				if err != nil || len(msgs) != 1 {
					t.Fatalf("bot messages %+v, %v; want one", msgs, err)
				}
				m := msgs[0]
				if !strings.Contains(m.Body, tc.want) {
					t.Fatalf("hand-off says %q; want it to contain %q", m.Body, tc.want)
				}
				var meta Meta
				if err := json.Unmarshal(m.Meta, &meta); err != nil {
					t.Fatal(err)
				}
				if meta.Kind != "handoff" || meta.OpensAt == nil || !meta.OpensAt.Equal(opens) || meta.QueuePosition != 1 {
					t.Fatalf("meta %+v; want a hand-off at position 1 opening at %v", meta, opens)
				}
				// It waits in the team's queue for the morning.
				var n int
				if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM routing_queue WHERE conversation_id = ? AND team_id = ?", id, team.ID).Scan(&n); err != nil || n != 1 {
					t.Fatalf("queued %d times in the team's queue (%v); want once", n, err)
				}
			})
		})
	}
}
