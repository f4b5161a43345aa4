package routing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// teamInfo is what a team's places are computed from, read once per pass.
type teamInfo struct {
	team      Team
	online    int // agents online
	capOnline int // their capacity
	free      int // their free capacity
	capAll    int // every active member's capacity
	handle    time.Duration
	known     bool // handle is measured
}

func (r *Router) teamInfo(ctx context.Context, q querier, team string) (teamInfo, error) {
	var in teamInfo
	var err error
	if in.team, err = r.store.teamTx(ctx, q, team); err != nil {
		return in, err
	}
	cands, err := r.store.candidatesTx(ctx, q, team)
	if err != nil {
		return in, err
	}
	for _, c := range cands {
		in.online++
		in.capOnline += c.Capacity
		if c.free() > 0 {
			in.free += c.free()
		}
	}
	if in.capAll, err = r.store.memberCapacity(ctx, q, team); err != nil {
		return in, err
	}
	in.handle, in.known, err = r.store.handlingTime(ctx, q, team)
	return in, err
}

// place is what the visitor at position pos is told at now. The expected
// wait: nothing when a free agent is online (it is being assigned); with
// agents online, the conversations ahead beyond their free room, each
// taking the measured handling time, spread over their capacity; with
// nobody online and the team closed, until it opens plus that work spread
// over every member's capacity, counted in opening hours only.
func (in teamInfo) place(pos int, now time.Time) Place {
	p := Place{Position: pos, AgentsOnline: in.online, Open: in.team.Hours.IsOpen(now)}
	if in.team.Hours.Week() != nil {
		p.TimeZone = in.team.Hours.TimeZone()
	}
	var opens time.Time
	if !p.Open {
		if t, ok := in.team.Hours.NextOpen(now); ok {
			opens = t.UTC()
			p.OpensAt = &opens
		}
	}
	switch {
	case in.online > 0 && in.capOnline > 0:
		if pos <= in.free {
			p.ETAKnown = true
		} else if in.known {
			p.ETASeconds, p.ETAKnown = seconds(time.Duration(pos-in.free)*in.handle/time.Duration(in.capOnline)), true
		}
	case p.OpensAt != nil:
		end := opens
		if in.known && in.capAll > 0 {
			if t, ok := in.team.Hours.AddOpen(now, time.Duration(pos)*in.handle/time.Duration(in.capAll)); ok {
				end = t
			}
		}
		p.ETASeconds, p.ETAKnown = seconds(end.Sub(now)), true
	}
	return p
}

func seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// Place is where the conversation stands now: its queue position and
// expected wait, or who has it.
func (r *Router) Place(ctx context.Context, conversationID string) (Place, error) {
	return r.placeTx(ctx, r.store.db, conversationID)
}

func (r *Router) placeTx(ctx context.Context, q querier, id string) (Place, error) {
	e, ok, err := r.store.entryTx(ctx, q, id)
	if err != nil {
		return Place{}, err
	}
	if !ok {
		return r.settledPlace(ctx, q, id)
	}
	ahead, err := r.store.aheadTx(ctx, q, e)
	if err != nil {
		return Place{}, err
	}
	in, err := r.teamInfo(ctx, q, e.TeamID)
	if err != nil {
		return Place{}, err
	}
	return in.place(ahead+1, r.opts.Now()), nil
}

// settledPlace is position 0: with the assignee when an agent has it.
func (r *Router) settledPlace(ctx context.Context, q querier, id string) (Place, error) {
	var assignee string
	err := q.QueryRow(ctx, "SELECT COALESCE(assignee_id, '') FROM conversations WHERE id = ?", id).Scan(&assignee)
	if errors.Is(err, sql.ErrNoRows) {
		return Place{}, apperr.New(apperr.NotFound, "conversation %q not found", id)
	}
	if err != nil {
		return Place{}, fmt.Errorf("read conversation %s: %w", id, err)
	}
	p := Place{Open: true}
	if assignee != "" && r.cards != nil {
		card, err := r.cards.AgentCard(ctx, assignee)
		if err != nil {
			return Place{}, err
		}
		p.Assignee = &card
	}
	return p, nil
}

// SkillsFor is the skills a conversation in locale asks for: its language.
func SkillsFor(locale string) []string {
	if strings.HasPrefix(strings.ToLower(locale), "zh") {
		return []string{"zh-CN"}
	}
	if locale == "" {
		return nil
	}
	return []string{"en"}
}

// Enqueue puts c in its team's queue inside the caller's transaction (a
// bot hand-off) and returns the place the visitor is told. The stage
// assigns it once the transaction has committed and its event arrives.
func (r *Router) Enqueue(ctx context.Context, tx *store.Tx, c conversation.Conversation, locale string) (Place, error) {
	if _, err := r.store.enqueueTx(ctx, tx, c, SkillsFor(locale)); err != nil {
		return Place{}, err
	}
	return r.placeTx(ctx, tx, c.ID)
}
