// Package routing decides where a conversation waits for a person and for
// how long. It starts with the queue: the position of a handed-off
// conversation among those waiting in its inbox, and the wait agents
// usually take, measured over recent hand-offs. The bot tells the visitor
// both; later, assignment builds on it.
package routing

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Queue is what routing reads of the conversations: those waiting for a
// person in an inbox, and when an agent first answered one.
type Queue interface {
	// CountWaitingTx counts the open, unassigned conversations of the inbox
	// marked with attrKey that no agent has answered, except exceptID.
	CountWaitingTx(ctx context.Context, tx *store.Tx, inboxID, exceptID, attrKey string) (int, error)
	// FirstAgentRepliesTx is, for each point, when an agent first wrote
	// after it (the zero time when none has).
	FirstAgentRepliesTx(ctx context.Context, tx *store.Tx, points []conversation.After) ([]time.Time, error)
}

// Handoff is one past hand-off to a person: when it happened and the seq
// of the message that announced it.
type Handoff struct {
	ConversationID string
	Seq            int64
	At             time.Time
}

// Handoffs lists an inbox's most recent hand-offs, newest first (the bot's
// decision log records them).
type Handoffs interface {
	RecentHandoffsTx(ctx context.Context, tx *store.Tx, inboxID string, n int) ([]Handoff, error)
}

// waitSamples is how many recent hand-offs the expected wait looks at, and
// minWaitSamples how many must have been answered for it to say anything.
const (
	waitSamples    = 50
	minWaitSamples = 5
)

// Router places handed-off conversations in their inbox's queue.
type Router struct {
	queue    Queue
	handoffs Handoffs
	// marker is the conversation attribute that puts a conversation in
	// the queue (the bot's hand-off mark).
	marker string
	now    func() time.Time
}

// New returns a Router over the conversations and the hand-off log; marker
// is the attribute a hand-off sets; now is the clock (time.Now when nil).
func New(queue Queue, handoffs Handoffs, marker string, now func() time.Time) *Router {
	if now == nil {
		now = time.Now
	}
	return &Router{queue: queue, handoffs: handoffs, marker: marker, now: now}
}

// Position is where conversationID, being handed off in inboxID within tx,
// stands in the queue (1 is next) and the wait agents usually take (0 when
// there are too few answered hand-offs to say).
func (r *Router) Position(ctx context.Context, tx *store.Tx, inboxID, conversationID string) (int, time.Duration, error) {
	waiting, err := r.queue.CountWaitingTx(ctx, tx, inboxID, conversationID, r.marker)
	if err != nil {
		return 0, 0, fmt.Errorf("queue position: %w", err)
	}
	eta, err := r.typicalWait(ctx, tx, inboxID)
	if err != nil {
		return 0, 0, err
	}
	return waiting + 1, eta, nil
}

// typicalWait is the median time from a hand-off to the first agent reply
// over the inbox's recent answered hand-offs; 0 when there are too few to
// say. It is what the visitor is told to expect, measured, not promised.
// Hand-offs dated after now (a clock step back) are left out.
func (r *Router) typicalWait(ctx context.Context, tx *store.Tx, inboxID string) (time.Duration, error) {
	hs, err := r.handoffs.RecentHandoffsTx(ctx, tx, inboxID, waitSamples)
	if err != nil {
		return 0, fmt.Errorf("read recent hand-offs: %w", err)
	}
	now := r.now()
	past := hs[:0:0]
	points := make([]conversation.After, 0, len(hs))
	for _, h := range hs {
		if !h.At.After(now) {
			past = append(past, h)
			points = append(points, conversation.After{ConversationID: h.ConversationID, Seq: h.Seq})
		}
	}
	replied, err := r.queue.FirstAgentRepliesTx(ctx, tx, points)
	if err != nil {
		return 0, fmt.Errorf("read recent hand-offs: %w", err)
	}
	var waits []time.Duration
	for i, h := range past {
		if !replied[i].IsZero() {
			waits = append(waits, replied[i].Sub(h.At))
		}
	}
	if len(waits) < minWaitSamples {
		return 0, nil
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	return waits[len(waits)/2], nil
}
