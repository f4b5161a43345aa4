package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// waitSamples is how many recent hand-offs the expected wait looks at, and
// minWaitSamples how many must have been answered for it to say anything.
const (
	waitSamples    = 50
	minWaitSamples = 5
)

// typicalWait is the median time from a hand-off to the first agent reply
// over the inbox's recent answered hand-offs; 0 when there are too few to
// say. It is what the visitor is told to expect, measured, not promised.
func typicalWait(ctx context.Context, tx *store.Tx, inboxID string) (time.Duration, error) {
	rows, err := tx.Query(ctx, `SELECT d.created_at, (SELECT MIN(m.created_at) FROM messages m
		WHERE m.conversation_id = d.conversation_id AND m.seq > d.reply_seq AND m.author_type = ? AND m.direction = ?)
		FROM bot_decisions d WHERE d.inbox_id = ? AND d.outcome LIKE ? AND d.reply_seq > 0
		ORDER BY d.id DESC LIMIT ?`, conversation.AuthorAgent, string(conversation.Outbound), inboxID, OutcomeHandoff+":%", waitSamples)
	if err != nil {
		return 0, fmt.Errorf("read recent hand-offs: %w", err)
	}
	defer rows.Close()
	var waits []int64
	for rows.Next() {
		var at int64
		var replied *int64
		if err := rows.Scan(&at, &replied); err != nil {
			return 0, fmt.Errorf("read recent hand-offs: %w", err)
		}
		if replied != nil {
			waits = append(waits, *replied-at)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read recent hand-offs: %w", err)
	}
	if len(waits) < minWaitSamples {
		return 0, nil
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	return time.Duration(waits[len(waits)/2]) * time.Millisecond, nil
}

// waitText tells the visitor how long agents usually take to reply.
func waitText(locale string, d time.Duration) string {
	if d < time.Minute {
		return pick(locale, "客服通常不到 1 分钟就会回复。", "Agents usually reply in under a minute.")
	}
	m := int((d + 30*time.Second) / time.Minute)
	if m < 120 {
		return pick(locale, fmt.Sprintf("客服通常约 %d 分钟内回复。", m), fmt.Sprintf("Agents usually reply within about %d minutes.", m))
	}
	h := (m + 30) / 60
	return pick(locale, fmt.Sprintf("客服通常约 %d 小时内回复。", h), fmt.Sprintf("Agents usually reply within about %d hours.", h))
}
