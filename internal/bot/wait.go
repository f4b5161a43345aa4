package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/routing"
)

// waitText tells the visitor the expected wait for a person.
func waitText(locale string, d time.Duration) string {
	if d < time.Minute {
		return pick(locale, "预计不到 1 分钟就会有客服接待您。", "An agent should be with you in under a minute.")
	}
	m := int((d + 30*time.Second) / time.Minute)
	if m < 120 {
		return pick(locale, fmt.Sprintf("预计等待约 %d 分钟。", m), fmt.Sprintf("The expected wait is about %d minutes.", m))
	}
	h := (m + 30) / 60
	return pick(locale, fmt.Sprintf("预计等待约 %d 小时。", h), fmt.Sprintf("The expected wait is about %d hours.", h))
}

// placeText tells a handed-off visitor where they stand: when the team is
// closed, when it opens and that the message is kept; otherwise their
// position and the expected wait.
func placeText(locale string, p routing.Place, now time.Time) string {
	if !p.Open && p.OpensAt != nil && p.AgentsOnline == 0 {
		when := routing.OpeningText(locale, now, *p.OpensAt, p.TimeZone)
		return pick(locale, "我们的客服现在不在线，将于"+when+"上线。您的消息已保存并在排队中，客服上线后会在这里回复您，接入时您也会在这里收到通知。",
			"Our team is offline now and opens "+when+". Your message is saved and stays in the queue; an agent will reply here, and you'll see it here when one picks up your conversation.")
	}
	var s string
	if p.Position > 0 {
		s = pick(locale, fmt.Sprintf("您前面还有 %d 位用户在等待。", p.Position-1), fmt.Sprintf("You are number %d in the queue.", p.Position))
	}
	if p.ETAKnown && p.ETASeconds > 0 {
		s += " " + waitText(locale, time.Duration(p.ETASeconds)*time.Second)
	}
	return strings.TrimSpace(s + " " + pick(locale, "客服会在这里回复您，您可以先离开，稍后回来查看。",
		"An agent will reply here; you can leave and come back later."))
}
