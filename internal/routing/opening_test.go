package routing_test

import (
	"testing"
	"time"

	"github.com/huiying/huiying/internal/routing"
)

func TestOpeningText(t *testing.T) {
	const sh, ny = "Asia/Shanghai", "America/New_York"
	cases := []struct {
		name, tz     string
		now, opensAt string // wall clock in tz
		zh, en       string
	}{
		{"later today", sh, "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（北京时间）", "today at 09:00 (Beijing time)"},
		{"tomorrow", sh, "2026-12-07 20:00", "2026-12-08 09:00", "明天 09:00（北京时间）", "tomorrow at 09:00 (Beijing time)"},
		{"after the weekend", sh, "2026-12-04 20:00", "2026-12-07 09:00", "周一 09:00（北京时间）", "Monday at 09:00 (Beijing time)"},
		{"six days ahead", sh, "2026-12-06 08:00", "2026-12-12 13:30", "周六 13:30（北京时间）", "Saturday at 13:30 (Beijing time)"},
		{"a Sunday", sh, "2026-12-04 20:00", "2026-12-06 09:00", "周日 09:00（北京时间）", "Sunday at 09:00 (Beijing time)"},
		{"after National Day", sh, "2026-09-30 20:00", "2026-10-08 09:00", "10月8日 09:00（北京时间）", "Oct 8 at 09:00 (Beijing time)"},
		{"next year", sh, "2026-12-28 20:00", "2027-01-05 09:00", "2027年1月5日 09:00（北京时间）", "Jan 5, 2027 at 09:00 (Beijing time)"},
		{"New York", ny, "2026-12-04 20:00", "2026-12-07 09:00", "周一 09:00（America/New_York 时间）", "Monday at 09:00 (New York time)"},
		{"Chongqing is Beijing time", "Asia/Chongqing", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（北京时间）", "today at 09:00 (Beijing time)"},
		{"Harbin is Beijing time", "Asia/Harbin", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（北京时间）", "today at 09:00 (Beijing time)"},
		{"PRC is Beijing time", "PRC", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（北京时间）", "today at 09:00 (Beijing time)"},
		{"Hong Kong is its own", "Asia/Hong_Kong", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（Asia/Hong_Kong 时间）", "today at 09:00 (Hong Kong time)"},
		{"a three-part name", "America/Argentina/Buenos_Aires", "2026-12-07 07:00", "2026-12-08 09:00",
			"明天 09:00（America/Argentina/Buenos_Aires 时间）", "tomorrow at 09:00 (Buenos Aires time)"},
		{"UTC", "UTC", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（UTC）", "today at 09:00 (UTC)"},
		{"no zone is UTC", "", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（UTC）", "today at 09:00 (UTC)"},
		{"Etc names as they are", "Etc/GMT-8", "2026-12-07 07:00", "2026-12-07 09:00", "今天 09:00（Etc/GMT-8）", "today at 09:00 (Etc/GMT-8)"},
		{"already open says today", sh, "2026-12-07 10:00", "2026-12-07 09:00", "今天 09:00（北京时间）", "today at 09:00 (Beijing time)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tz := c.tz
			if tz == "" {
				tz = "UTC"
			}
			now, opens := wall(t, tz, c.now), wall(t, tz, c.opensAt)
			for _, l := range []struct{ locale, want string }{
				{"zh-CN", c.zh}, {"zh", c.zh}, {"zh-TW", c.zh}, {"ZH-cn", c.zh},
				{"en", c.en}, {"en-US", c.en}, {"fr", c.en}, {"", c.en},
			} {
				// The instants may come in any zone: the text is in the team's.
				if got := routing.OpeningText(l.locale, now.UTC(), opens.UTC(), c.tz); got != l.want {
					t.Errorf("OpeningText(%q) = %q, want %q", l.locale, got, l.want)
				}
			}
		})
	}
}

// Relative days are counted in the team's zone, not the server's or UTC's.
func TestOpeningTextDaysInTheTeamsZone(t *testing.T) {
	// Saturday 01:00 in Shanghai is still Friday in UTC; the team opens
	// Saturday 09:00 its time.
	now := time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)
	opens := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	if got := routing.OpeningText("zh-CN", now, opens, "Asia/Shanghai"); got != "今天 09:00（北京时间）" {
		t.Errorf("Shanghai: %q", got)
	}
	if got := routing.OpeningText("en", now, opens, "UTC"); got != "tomorrow at 01:00 (UTC)" {
		t.Errorf("UTC: %q", got)
	}
	// A zone that does not exist is told as UTC, never as the bad name.
	if got := routing.OpeningText("en", now, opens, "Asia/Shangai"); got != "tomorrow at 01:00 (UTC)" {
		t.Errorf("unknown zone: %q", got)
	}
	// NextOpen's answer reads naturally.
	h, err := routing.ParseHours("America/New_York", map[string][]string{"mon": {"09:00-18:00"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fri := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC) // Friday 20:00 in New York
	at, _ := h.NextOpen(fri)
	if got := routing.OpeningText("zh-CN", fri, at, h.TimeZone()); got != "周一 09:00（America/New_York 时间）" {
		t.Errorf("New York: %q", got)
	}
}
