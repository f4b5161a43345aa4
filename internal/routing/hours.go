package routing

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
	// The zone names a team chooses must resolve on any host, also one
	// without a zoneinfo database (a bare container).
	_ "time/tzdata"

	"github.com/huiying/huiying/internal/apperr"
)

// Limits that keep a team's calendar small and every look-up bounded.
const (
	maxHolidays = 400
	maxDaySpans = 48
	maxZoneLen  = 64
	minutesDay  = 24 * 60
	// dayKeys are the API's weekday names, three letters each, in
	// time.Weekday order.
	dayKeys = "sunmontuewedthufrisat"
)

func dayKey(wd time.Weekday) string { return dayKeys[3*wd : 3*wd+3] }

// span is an open stretch of a day in wall-clock minutes after midnight,
// [start, end); end may be 1440 (24:00).
type span struct{ start, end int }

func (s span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.start/60, s.start%60, s.end/60, s.end%60)
}

// Hours is a team's week in its time zone, with holiday dates. The zero
// value is always open in UTC.
//
// Spans are wall-clock times in the zone, so 09:00-18:00 opens at nine by
// the local clock every day, also on the days clocks change (that day it is
// eight or ten hours of real time when the span crosses the change). A
// span boundary in the hour skipped when clocks go forward is the moment
// they jump (a span wholly inside the skipped hour is empty that day); a
// boundary in the hour that repeats when clocks go back is its first
// occurrence, so 01:00-01:30 on that day is open during the first pass
// only. IsOpen, NextOpen and AddOpen all follow these instants.
type Hours struct {
	loc *time.Location // nil: UTC
	// weekly is false when the team is open around the clock (holidays
	// still close it).
	weekly bool
	// days holds each weekday's spans, sorted, neither overlapping nor
	// touching.
	days [7][]span
	// holidays are dates in the zone as yyyymmdd, sorted, unique.
	holidays []int
}

// AlwaysOpen is a team open around the clock, every day, in UTC.
func AlwaysOpen() Hours { return Hours{} }

// ParseHours validates and builds Hours from the API's JSON shapes. tz is
// an IANA name ("" is UTC). week maps "mon".."sun" to spans "HH:MM-HH:MM"
// (24:00 allowed as an end); a day left out is closed, and week == nil is
// open around the clock. Spans are sorted and overlapping or touching ones
// merged; service past midnight is two spans, "18:00-24:00" and the next
// day's "00:00-02:00", and counts as one stretch. holidays are
// "YYYY-MM-DD" dates in the zone, each closing the whole date (also when
// week is nil); duplicates are dropped, and at most 400 may remain. Errors
// are apperr.Invalid with a message that names the bad input.
func ParseHours(tz string, week map[string][]string, holidays []string) (Hours, error) {
	loc, err := loadZone(tz)
	if err != nil {
		return Hours{}, err
	}
	h := Hours{loc: loc, weekly: week != nil}
	if err := h.parseWeek(week); err != nil {
		return Hours{}, err
	}
	if h.holidays, err = parseHolidays(holidays); err != nil {
		return Hours{}, err
	}
	return h, nil
}

func loadZone(tz string) (*time.Location, error) {
	tz = strings.TrimSpace(tz)
	if tz == "" {
		return time.UTC, nil
	}
	// "Local" is whatever zone the server runs in: not a team's choice.
	if len(tz) <= maxZoneLen && tz != "Local" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc, nil
		}
	}
	return nil, apperr.New(apperr.Invalid, "unknown time zone %q (use an IANA name such as Asia/Shanghai or America/New_York)", tz)
}

func (h *Hours) parseWeek(week map[string][]string) error {
	var unknown []string
	for k := range week {
		if len(k) != 3 || !strings.Contains(dayKeys, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return apperr.New(apperr.Invalid, "hours: unknown day %q (use mon, tue, wed, thu, fri, sat, sun)", unknown[0])
	}
	for wd := time.Monday; ; wd = (wd + 1) % 7 {
		spans, err := parseDay(dayKey(wd), week[dayKey(wd)])
		if err != nil {
			return err
		}
		h.days[wd] = spans
		if wd == time.Sunday {
			return nil
		}
	}
}

// parseDay parses, sorts and merges one day's spans.
func parseDay(key string, in []string) ([]span, error) {
	if len(in) > maxDaySpans {
		return nil, apperr.New(apperr.Invalid, "hours.%s: at most %d spans a day", key, maxDaySpans)
	}
	spans := make([]span, 0, len(in))
	for _, raw := range in {
		s, ok := parseSpan(raw)
		if !ok {
			return nil, apperr.New(apperr.Invalid, "hours.%s: %q is not HH:MM-HH:MM (00:00 to 24:00)", key, raw)
		}
		if s.end <= s.start {
			return nil, apperr.New(apperr.Invalid,
				"hours.%s: %q does not end after it starts; write service past midnight as \"…-24:00\" and \"00:00-…\" on the next day", key, raw)
		}
		spans = append(spans, s)
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	merged := spans[:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged, nil
}

func parseSpan(raw string) (span, bool) {
	a, b, ok := strings.Cut(strings.TrimSpace(raw), "-")
	if !ok {
		return span{}, false
	}
	start, ok1 := parseClock(strings.TrimSpace(a))
	end, ok2 := parseClock(strings.TrimSpace(b))
	return span{start, end}, ok1 && ok2 && start < minutesDay
}

// parseClock reads "HH:MM", 00:00 to 24:00, as minutes after midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	hh, mm := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

func parseHolidays(in []string) ([]int, error) {
	days := make([]int, 0, len(in))
	for i, raw := range in {
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(raw))
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "holidays[%d]: %q is not a date YYYY-MM-DD", i, raw)
		}
		days = append(days, dateKey(d.Date()))
	}
	slices.Sort(days)
	days = slices.Compact(days)
	if len(days) > maxHolidays {
		return nil, apperr.New(apperr.Invalid, "holidays: at most %d dates (got %d)", maxHolidays, len(days))
	}
	return days, nil
}

func dateKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

// TimeZone is the zone's IANA name ("UTC" when none was given).
func (h Hours) TimeZone() string { return h.location().String() }

// Week is the API form of the week: nil when open around the clock, else
// each day's spans with closed days left out.
func (h Hours) Week() map[string][]string {
	if !h.weekly {
		return nil
	}
	week := map[string][]string{}
	for wd, spans := range h.days {
		for _, s := range spans {
			week[dayKey(time.Weekday(wd))] = append(week[dayKey(time.Weekday(wd))], s.String())
		}
	}
	return week
}

// Holidays are the holiday dates, sorted, as "YYYY-MM-DD" (never nil).
func (h Hours) Holidays() []string {
	out := make([]string, len(h.holidays))
	for i, d := range h.holidays {
		out[i] = fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
	}
	return out
}

func (h Hours) location() *time.Location {
	if h.loc == nil {
		return time.UTC
	}
	return h.loc
}

// IsOpen reports whether t falls in an open span.
func (h Hours) IsOpen(t time.Time) bool {
	for start := range h.intervals(t) {
		return !t.Before(start)
	}
	return false
}

// NextOpen is t when open, else the start of the next open span. ok is
// false only when the week has no open span at all: holidays close at most
// 400 dates, so any other week opens again.
func (h Hours) NextOpen(t time.Time) (time.Time, bool) {
	for start := range h.intervals(t) {
		if t.Before(start) {
			return start, true
		}
		return t, true
	}
	return time.Time{}, false
}

// AddOpen is the moment d of open time has elapsed after t, skipping
// closed hours, closed days and holidays; spans that touch (24:00 and the
// next day's 00:00) are one stretch. With d <= 0 it is NextOpen(t). ok is
// false as for NextOpen.
func (h Hours) AddOpen(t time.Time, d time.Duration) (time.Time, bool) {
	d = max(d, 0)
	for start, end := range h.intervals(t) {
		from := t
		if start.After(t) {
			from = start
		}
		left := end.Sub(from)
		if d <= left {
			return from.Add(d), true
		}
		d -= left
	}
	return time.Time{}, false
}

// intervals yields the open stretches that end after t, in order, as
// instants. The scan starts the day before t's date (a stretch never
// reaches further than the next midnight) and gives up after more closed
// days in a row than the holidays can make.
func (h Hours) intervals(t time.Time) iter.Seq2[time.Time, time.Time] {
	return func(yield func(time.Time, time.Time) bool) {
		if !h.hasSpans() {
			return
		}
		loc := h.location()
		y, m, d := t.In(loc).Date()
		limit := 7*(len(h.holidays)+2) + 2
		for i, idle := -1, 0; idle <= limit; i++ {
			idle++
			// Date arithmetic in UTC, which has no clock changes.
			day := time.Date(y, m, d+i, 0, 0, 0, 0, time.UTC)
			dy, dm, dd := day.Date()
			if _, closed := slices.BinarySearch(h.holidays, dateKey(dy, dm, dd)); closed {
				continue
			}
			for _, s := range h.spansOn(day.Weekday()) {
				start, end := wallTime(loc, dy, dm, dd, s.start), wallTime(loc, dy, dm, dd, s.end)
				if !end.After(start) || !end.After(t) {
					continue
				}
				idle = 0
				if !yield(start, end) {
					return
				}
			}
		}
	}
}

func (h Hours) hasSpans() bool {
	if !h.weekly {
		return true
	}
	for _, spans := range h.days {
		if len(spans) > 0 {
			return true
		}
	}
	return false
}

func (h Hours) spansOn(wd time.Weekday) []span {
	if !h.weekly {
		return []span{{0, minutesDay}}
	}
	return h.days[wd]
}

// wallTime is the instant the clocks in loc show minute (0 to 1440) on the
// date. A wall time skipped when clocks go forward is the moment they jump;
// one that occurs twice when clocks go back is its first occurrence.
// (time.Date leaves the choice in both cases unspecified.)
func wallTime(loc *time.Location, y int, m time.Month, d, minute int) time.Time {
	t := time.Date(y, m, d, 0, minute, 0, 0, loc)
	want := time.Date(y, m, d, 0, minute, 0, 0, time.UTC)
	_, off := t.Zone()
	got := t.UTC().Add(time.Duration(off) * time.Second)
	start, end := t.ZoneBounds()
	switch {
	case got.Before(want): // t lies before the skipped hour, which ends t's zone period
		return end
	case got.After(want): // t lies after it, at the start of its zone period
		return start
	case start.IsZero():
		return t
	}
	_, prevOff := start.Add(-time.Second).Zone()
	if prevOff <= off {
		return t
	}
	// Clocks went back at start: the same wall time came first, earlier.
	if first := want.Add(-time.Duration(prevOff) * time.Second); first.Before(start) {
		return first.In(loc)
	}
	return t
}
