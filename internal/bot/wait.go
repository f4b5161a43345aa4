package bot

import (
	"fmt"
	"time"
)

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
