package routing

import (
	"fmt"
	"strings"
	"time"
)

// OpeningText is how the visitor is told when support opens: the day
// relative to now in the team's zone ("今天 09:00", "tomorrow at 09:00"),
// the weekday up to six days ahead ("周一 09:00", "Monday at 09:00"), else
// the date ("10月8日 09:00", "Oct 8 at 09:00", with the year when it is
// not this year's), followed by the zone: 北京时间 / Beijing time for
// China's zone names, the city of the IANA name in English ("New York
// time"), the IANA name itself in Chinese and for names without a city
// ("UTC"). A locale starting "zh" is Chinese, any other English. tz is the
// team's IANA name; an unknown one is taken as UTC.
func OpeningText(locale string, now, opensAt time.Time, tz string) string {
	loc, err := loadZone(tz)
	if err != nil {
		loc = time.UTC
	}
	tz = loc.String()
	n, o := now.In(loc), opensAt.In(loc)
	days := daysBetween(n, o)
	clock := o.Format("15:04")
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(locale)), "zh") {
		return zhDay(days, n, o) + " " + clock + "（" + zhZone(tz) + "）"
	}
	return enDay(days, n, o) + " at " + clock + " (" + enZone(tz) + ")"
}

// daysBetween counts calendar days from a's date to b's, both already in
// the same zone.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

func zhDay(days int, now, o time.Time) string {
	switch {
	case days <= 0:
		return "今天"
	case days == 1:
		return "明天"
	case days <= 6:
		return "周" + string([]rune("日一二三四五六")[o.Weekday()])
	case o.Year() != now.Year():
		return fmt.Sprintf("%d年%d月%d日", o.Year(), o.Month(), o.Day())
	}
	return fmt.Sprintf("%d月%d日", o.Month(), o.Day())
}

func enDay(days int, now, o time.Time) string {
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days <= 6:
		return o.Weekday().String()
	case o.Year() != now.Year():
		return o.Format("Jan 2, 2006")
	}
	return o.Format("Jan 2")
}

// beijing reports whether tz is one of the names of China's zone.
func beijing(tz string) bool {
	switch tz {
	case "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC":
		return true
	}
	return false
}

func zhZone(tz string) string {
	switch {
	case beijing(tz):
		return "北京时间"
	case strings.Contains(tz, "/") && !strings.HasPrefix(tz, "Etc/"):
		return tz + " 时间"
	}
	return tz
}

func enZone(tz string) string {
	switch {
	case beijing(tz):
		return "Beijing time"
	case strings.Contains(tz, "/") && !strings.HasPrefix(tz, "Etc/"):
		return strings.ReplaceAll(tz[strings.LastIndexByte(tz, '/')+1:], "_", " ") + " time"
	}
	return tz
}
