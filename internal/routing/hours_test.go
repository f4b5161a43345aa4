package routing_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/routing"
)

// weekdays is the office week: Monday to Friday, nine to six.
func weekdays(spans ...string) map[string][]string {
	if len(spans) == 0 {
		spans = []string{"09:00-18:00"}
	}
	w := map[string][]string{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		w[d] = spans
	}
	return w
}

func mustHours(t *testing.T, tz string, week map[string][]string, holidays ...string) routing.Hours {
	t.Helper()
	h, err := routing.ParseHours(tz, week, holidays)
	if err != nil {
		t.Fatalf("ParseHours(%q, %v, %v): %v", tz, week, holidays, err)
	}
	return h
}

// wall is the instant the clocks in tz show "2006-01-02 15:04"; when they
// show it twice, "+" after it picks the second time.
func wall(t *testing.T, tz, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	second := strings.HasSuffix(s, "+")
	s = strings.TrimSuffix(s, "+")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	// time.ParseInLocation may pick either; New York's clocks move by an hour.
	step := -time.Hour
	if second {
		step = time.Hour
	}
	if other := v.Add(step); other.In(loc).Format("2006-01-02 15:04") == s {
		return other
	}
	return v
}

func sameInstant(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339), want.Format(time.RFC3339))
	}
}

func TestHoursAddOpenAcrossWeekendsAndHolidays(t *testing.T) {
	const sh, ny = "Asia/Shanghai", "America/New_York"
	nationalDay := []string{"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"}
	cases := []struct {
		name      string
		tz        string
		holidays  []string
		from      string
		d         time.Duration
		want      string
		realHours float64 // the real time between from and want, when it matters
	}{
		{"Shanghai Friday 17:30 + 2h is Monday 10:30", sh, nil, "2026-12-04 17:30", 2 * time.Hour, "2026-12-07 10:30", 0},
		{"Shanghai Monday holiday moves it to Tuesday", sh, []string{"2026-12-07"}, "2026-12-04 17:30", 2 * time.Hour, "2026-12-08 10:30", 0},
		{"Shanghai National Day week", sh, nationalDay, "2026-09-30 17:00", 2 * time.Hour, "2026-10-08 10:00", 0},
		{"Shanghai from inside National Day", sh, nationalDay, "2026-10-03 12:00", 30 * time.Minute, "2026-10-08 09:30", 0},
		{"Shanghai over a whole week of open time", sh, nil, "2026-12-07 09:00", 45 * time.Hour, "2026-12-11 18:00", 0},
		{"Shanghai lands on closing time", sh, nil, "2026-12-04 17:00", time.Hour, "2026-12-04 18:00", 0},
		{"Shanghai zero is the opening", sh, nil, "2026-12-05 10:00", 0, "2026-12-07 09:00", 0},
		{"New York Friday 17:30 + 2h is Monday 10:30", ny, nil, "2026-12-04 17:30", 2 * time.Hour, "2026-12-07 10:30", 0},
		{"New York Labor Day Monday moves it to Tuesday", ny, []string{"2026-09-07"}, "2026-09-04 17:30", 2 * time.Hour, "2026-09-08 10:30", 0},
		// Clocks go forward on Sunday 2026-03-08: the weekend is an hour
		// shorter, the open time the same.
		{"New York across DST start", ny, nil, "2026-03-06 17:30", 2 * time.Hour, "2026-03-09 10:30", 2*24 + 17 - 1},
		// Clocks go back on Sunday 2026-11-01.
		{"New York across DST end", ny, nil, "2026-10-30 17:30", 2 * time.Hour, "2026-11-02 10:30", 2*24 + 17 + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := mustHours(t, c.tz, weekdays(), c.holidays...)
			from := wall(t, c.tz, c.from)
			got, ok := h.AddOpen(from, c.d)
			if !ok {
				t.Fatal("AddOpen: ok false")
			}
			sameInstant(t, "AddOpen", got, wall(t, c.tz, c.want))
			if c.realHours != 0 && got.Sub(from).Hours() != c.realHours {
				t.Errorf("real time between = %v, want %vh", got.Sub(from), c.realHours)
			}
		})
	}
}

func TestHoursDSTDays(t *testing.T) {
	const ny = "America/New_York"
	every := func(spans ...string) map[string][]string {
		w := weekdays(spans...)
		w["sat"], w["sun"] = spans, spans
		return w
	}
	cases := []struct {
		name       string
		span       string
		from, want string // want: the end of the span that day, after AddOpen from its start
		d          time.Duration
		tz         string // New York when empty
	}{
		// The clocks say 09:00-18:00 on both change days: nine hours of
		// real time, since the change is at 02:00.
		{"9-18 on DST start day", "09:00-18:00", "2026-03-08 09:00", "2026-03-08 18:00", 9 * time.Hour, ""},
		{"9-18 on DST end day", "09:00-18:00", "2026-11-01 09:00", "2026-11-01 18:00", 9 * time.Hour, ""},
		// A span across the change is an hour shorter or longer.
		{"00-06 on DST start day is 5h", "00:00-06:00", "2026-03-08 00:00", "2026-03-08 06:00", 5 * time.Hour, ""},
		{"00-06 on DST end day is 7h", "00:00-06:00", "2026-11-01 00:00", "2026-11-01 06:00", 7 * time.Hour, ""},
		// A boundary in the skipped hour is the moment clocks jump
		// (02:00 EST = 03:00 EDT).
		{"01:00-02:30 on DST start day ends at the jump", "01:00-02:30", "2026-03-08 01:00", "2026-03-08 03:00", time.Hour, ""},
		// A boundary in the repeated hour is its first occurrence.
		{"00:00-01:30 on DST end day ends at the first 01:30", "00:00-01:30", "2026-11-01 00:00", "2026-11-01 01:30", 90 * time.Minute, ""},
		// East of Greenwich time.Date resolves both cases the other way
		// round; the rules hold all the same.
		{"Berlin: a start in the skipped hour", "02:30-04:00", "2026-03-29 03:00", "2026-03-29 04:00", time.Hour, "Europe/Berlin"},
		{"Berlin: an end in the repeated hour", "00:00-02:30", "2026-10-25 00:00", "2026-10-25 02:30", 150 * time.Minute, "Europe/Berlin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tz := cmp.Or(c.tz, ny)
			h := mustHours(t, tz, every(c.span))
			from := wall(t, tz, c.from)
			if next, _ := h.NextOpen(from.Add(-time.Minute)); !next.Equal(from) {
				t.Errorf("the span opens at %s, want %s", next.Format(time.RFC3339), from.Format(time.RFC3339))
			}
			got, ok := h.AddOpen(from, c.d)
			if !ok {
				t.Fatal("AddOpen: ok false")
			}
			sameInstant(t, "AddOpen", got, wall(t, tz, c.want))
			if h.IsOpen(got) || !h.IsOpen(got.Add(-time.Nanosecond)) {
				t.Errorf("span does not close at %s", got.Format(time.RFC3339))
			}
		})
	}

	// A span wholly inside the skipped hour is empty that day only.
	h := mustHours(t, ny, every("02:00-02:30"))
	got, _ := h.NextOpen(wall(t, ny, "2026-03-08 00:00"))
	sameInstant(t, "NextOpen over an empty span", got, wall(t, ny, "2026-03-09 02:00"))

	// 01:00-01:30 on the day clocks go back is open on the first pass only.
	h = mustHours(t, ny, every("01:00-01:30"))
	if !h.IsOpen(wall(t, ny, "2026-11-01 01:15")) {
		t.Error("closed at the first 01:15")
	}
	if h.IsOpen(wall(t, ny, "2026-11-01 01:15+")) {
		t.Error("open at the second 01:15")
	}
	got, _ = h.NextOpen(wall(t, ny, "2026-11-01 01:15+"))
	sameInstant(t, "NextOpen after the first pass", got, wall(t, ny, "2026-11-02 01:00"))
}

func TestHoursNextOpenEdges(t *testing.T) {
	const sh = "Asia/Shanghai"
	h := mustHours(t, sh, weekdays("09:00-12:00", "13:00-18:00"), "2026-12-08")
	cases := []struct{ at, want string }{
		{"2026-12-07 08:59", "2026-12-07 09:00"},
		{"2026-12-07 09:00", "2026-12-07 09:00"}, // the start is open
		{"2026-12-07 10:30", "2026-12-07 10:30"},
		{"2026-12-07 11:59", "2026-12-07 11:59"},
		{"2026-12-07 12:00", "2026-12-07 13:00"}, // the end is closed
		{"2026-12-07 12:30", "2026-12-07 13:00"},
		{"2026-12-07 18:00", "2026-12-09 09:00"}, // Tuesday is a holiday
		{"2026-12-08 10:00", "2026-12-09 09:00"},
		{"2026-12-04 23:00", "2026-12-07 09:00"}, // Friday night
		{"2026-12-05 09:00", "2026-12-07 09:00"}, // Saturday
		{"2026-12-06 23:59", "2026-12-07 09:00"}, // Sunday
	}
	for _, c := range cases {
		at := wall(t, sh, c.at)
		got, ok := h.NextOpen(at)
		if !ok {
			t.Fatalf("NextOpen(%s): ok false", c.at)
		}
		sameInstant(t, "NextOpen("+c.at+")", got, wall(t, sh, c.want))
		if open := got.Equal(at); h.IsOpen(at) != open {
			t.Errorf("IsOpen(%s) = %v, want %v", c.at, !open, open)
		}
	}
	// A second before the end is still open; an instant from another
	// zone is read in the team's.
	if !h.IsOpen(wall(t, sh, "2026-12-07 17:59").Add(59 * time.Second)) {
		t.Error("closed at 17:59:59")
	}
	if !h.IsOpen(time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)) { // 09:00 in Shanghai
		t.Error("closed at 01:00 UTC (09:00 Beijing time)")
	}
}

func TestHoursAcrossMidnight(t *testing.T) {
	const ny = "America/New_York"
	week := map[string][]string{"mon": {"18:00-24:00"}, "tue": {"00:00-02:00"}}
	h := mustHours(t, ny, week)
	steps := []struct {
		name     string
		from     string
		d        time.Duration
		want     string
		holidays []string
	}{
		{"one stretch over midnight", "2026-12-07 23:00", 2 * time.Hour, "2026-12-08 01:00", nil},
		{"to the end of the stretch", "2026-12-07 18:00", 8 * time.Hour, "2026-12-08 02:00", nil},
		{"into the next week", "2026-12-07 18:00", 9 * time.Hour, "2026-12-14 19:00", nil},
		{"from the small hours", "2026-12-08 00:30", time.Hour, "2026-12-08 01:30", nil},
		{"a holiday cuts the stretch at midnight", "2026-12-07 23:00", 2 * time.Hour, "2026-12-14 19:00", []string{"2026-12-08"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			hh := mustHours(t, ny, week, s.holidays...)
			got, ok := hh.AddOpen(wall(t, ny, s.from), s.d)
			if !ok {
				t.Fatal("ok false")
			}
			sameInstant(t, "AddOpen", got, wall(t, ny, s.want))
		})
	}
	for at, open := range map[string]bool{
		"2026-12-07 17:59": false, "2026-12-07 18:00": true, "2026-12-07 23:59": true,
		"2026-12-08 00:00": true, "2026-12-08 01:59": true, "2026-12-08 02:00": false,
	} {
		if h.IsOpen(wall(t, ny, at)) != open {
			t.Errorf("IsOpen(%s) = %v", at, !open)
		}
	}
	got, _ := h.NextOpen(wall(t, ny, "2026-12-08 02:00"))
	sameInstant(t, "NextOpen after the stretch", got, wall(t, ny, "2026-12-14 18:00"))
}

func TestHoursAlwaysOpen(t *testing.T) {
	at := time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC) // across New York's DST start
	for name, h := range map[string]routing.Hours{
		"AlwaysOpen": routing.AlwaysOpen(), "zero value": {}, "nil week": mustHours(t, "America/New_York", nil),
	} {
		if !h.IsOpen(at) {
			t.Errorf("%s: closed", name)
		}
		if got, ok := h.NextOpen(at); !ok || !got.Equal(at) {
			t.Errorf("%s: NextOpen = %v, %v", name, got, ok)
		}
		// Real time: 36 hours of open time are 36 hours whatever the clocks do.
		if got, ok := h.AddOpen(at, 36*time.Hour); !ok || !got.Equal(at.Add(36*time.Hour)) {
			t.Errorf("%s: AddOpen = %v, %v", name, got, ok)
		}
		if h.Week() != nil || len(h.Holidays()) != 0 || h.Holidays() == nil {
			t.Errorf("%s: Week %v, Holidays %#v", name, h.Week(), h.Holidays())
		}
	}
	if tz := routing.AlwaysOpen().TimeZone(); tz != "UTC" {
		t.Errorf("AlwaysOpen().TimeZone() = %q", tz)
	}

	// Around the clock, but closed on a holiday.
	const sh = "Asia/Shanghai"
	h := mustHours(t, sh, nil, "2026-10-01")
	if h.IsOpen(wall(t, sh, "2026-10-01 12:00")) || !h.IsOpen(wall(t, sh, "2026-09-30 23:59")) {
		t.Error("a holiday does not close the whole date")
	}
	got, _ := h.NextOpen(wall(t, sh, "2026-10-01 00:00"))
	sameInstant(t, "NextOpen after the holiday", got, wall(t, sh, "2026-10-02 00:00"))
	got, _ = h.AddOpen(wall(t, sh, "2026-09-30 23:00"), 2*time.Hour)
	sameInstant(t, "AddOpen over the holiday", got, wall(t, sh, "2026-10-02 01:00"))
}

func TestHoursNeverOpen(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for name, week := range map[string]map[string][]string{
		"empty week": {}, "empty days": {"mon": {}, "sat": nil},
	} {
		h := mustHours(t, "Asia/Shanghai", week, "2026-12-08")
		if h.IsOpen(at) {
			t.Errorf("%s: open", name)
		}
		if _, ok := h.NextOpen(at); ok {
			t.Errorf("%s: NextOpen ok", name)
		}
		if _, ok := h.AddOpen(at, time.Minute); ok {
			t.Errorf("%s: AddOpen ok", name)
		}
		if w := h.Week(); w == nil || len(w) != 0 {
			t.Errorf("%s: Week() = %#v, want an empty week (not always open)", name, w)
		}
	}
}

// Holidays can close every open day for years; the next opening is still
// found.
func TestHoursOpensAfterManyHolidays(t *testing.T) {
	var mondays []string
	first := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for i := range 400 {
		mondays = append(mondays, first.AddDate(0, 0, 7*i).Format(time.DateOnly))
	}
	h := mustHours(t, "UTC", map[string][]string{"mon": {"09:00-10:00"}}, mondays...)
	got, ok := h.NextOpen(first)
	want := first.AddDate(0, 0, 7*400).Add(9 * time.Hour)
	if !ok || !got.Equal(want) {
		t.Errorf("NextOpen = %v, %v; want %v", got, ok, want)
	}
}

func TestParseHoursCleans(t *testing.T) {
	h := mustHours(t, " Asia/Shanghai ", map[string][]string{
		"mon": {"13:00-18:00", " 09:00-12:00 ", "11:00-13:00", "20:00-21:00"},
		"tue": {"09:00-10:00", "10:00-11:00"}, // touching: one span
		"sat": {"18:00-24:00"},
		"sun": {},
	}, "2026-10-02", " 2026-10-01", "2026-10-02")
	if tz := h.TimeZone(); tz != "Asia/Shanghai" {
		t.Errorf("TimeZone = %q", tz)
	}
	want := map[string][]string{"mon": {"09:00-18:00", "20:00-21:00"}, "tue": {"09:00-11:00"}, "sat": {"18:00-24:00"}}
	if got := h.Week(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Week = %v, want %v", got, want)
	}
	if got := h.Holidays(); !slices.Equal(got, []string{"2026-10-01", "2026-10-02"}) {
		t.Errorf("Holidays = %v", got)
	}
	// The API form parses back to the same calendar.
	again := mustHours(t, h.TimeZone(), h.Week(), h.Holidays()...)
	if fmt.Sprint(again.Week(), again.Holidays()) != fmt.Sprint(h.Week(), h.Holidays()) {
		t.Error("Week/Holidays do not round-trip")
	}
	if tz := mustHours(t, "", nil).TimeZone(); tz != "UTC" {
		t.Errorf(`TimeZone for "" = %q`, tz)
	}
	// 400 dates, given twice, are 400.
	var many []string
	for i := range 400 {
		many = append(many, time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	if got := mustHours(t, "UTC", nil, append(many, many...)...).Holidays(); len(got) != 400 {
		t.Errorf("%d holidays, want 400", len(got))
	}
}

func TestParseHoursErrors(t *testing.T) {
	var tooMany []string
	for i := range 401 {
		tooMany = append(tooMany, time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	var spans []string
	for i := range 49 {
		spans = append(spans, fmt.Sprintf("%02d:%02d-%02d:%02d", i/4, i%4*15, i/4, i%4*15+10))
	}
	mon := func(s ...string) map[string][]string { return map[string][]string{"mon": s} }
	cases := []struct {
		name     string
		tz       string
		week     map[string][]string
		holidays []string
		want     string
	}{
		{"misspelt zone", "Asia/Shangai", nil, nil, `unknown time zone "Asia/Shangai"`},
		{"the server's zone", "Local", nil, nil, `unknown time zone "Local"`},
		{"a path", "../etc/passwd", nil, nil, `unknown time zone "../etc/passwd"`},
		{"unknown day", "UTC", map[string][]string{"monday": {"09:00-18:00"}}, nil, `hours: unknown day "monday"`},
		{"hours without minutes", "UTC", mon("9-18"), nil, `hours.mon: "9-18" is not HH:MM-HH:MM`},
		{"one digit hour", "UTC", mon("9:00-18:00"), nil, `hours.mon: "9:00-18:00" is not HH:MM-HH:MM`},
		{"no end", "UTC", mon("09:00"), nil, `hours.mon: "09:00" is not HH:MM-HH:MM`},
		{"end without minutes", "UTC", mon("09:00-18"), nil, `hours.mon: "09:00-18" is not HH:MM-HH:MM`},
		{"minute 60", "UTC", mon("09:60-10:00"), nil, `hours.mon: "09:60-10:00" is not HH:MM-HH:MM`},
		{"hour 25", "UTC", mon("09:00-25:00"), nil, `hours.mon: "09:00-25:00" is not HH:MM-HH:MM`},
		{"24:30", "UTC", mon("09:00-24:30"), nil, `hours.mon: "09:00-24:30" is not HH:MM-HH:MM`},
		{"starts at 24:00", "UTC", mon("24:00-24:00"), nil, `hours.mon: "24:00-24:00" is not HH:MM-HH:MM`},
		{"letters", "UTC", mon("ab:cd-ef:gh"), nil, `hours.mon: "ab:cd-ef:gh" is not HH:MM-HH:MM`},
		{"ends before it starts", "UTC", map[string][]string{"fri": {"18:00-02:00"}}, nil,
			`hours.fri: "18:00-02:00" does not end after it starts`},
		{"empty span", "UTC", mon("09:00-09:00"), nil, `hours.mon: "09:00-09:00" does not end after it starts`},
		{"too many spans", "UTC", mon(spans...), nil, `hours.mon: at most 48 spans a day`},
		{"short date", "UTC", nil, []string{"2026-10-01", "2026-1-5"}, `holidays[1]: "2026-1-5" is not a date YYYY-MM-DD`},
		{"no such date", "UTC", nil, []string{"2026-02-30"}, `holidays[0]: "2026-02-30" is not a date YYYY-MM-DD`},
		{"empty date", "UTC", nil, []string{""}, `holidays[0]: "" is not a date YYYY-MM-DD`},
		{"date with time", "UTC", nil, []string{"2026-10-01T00:00:00Z"}, `is not a date YYYY-MM-DD`},
		{"too many holidays", "UTC", nil, tooMany, `holidays: at most 400 dates (got 401)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := routing.ParseHours(c.tz, c.week, c.holidays)
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("err = %v, want an invalid-input error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to say %q", err, c.want)
			}
		})
	}
}
