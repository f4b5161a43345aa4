package bench

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Millisecond},
		{90, 90 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{99.5, 100 * time.Millisecond},
		{100, 100 * time.Millisecond},
		{0.1, 1 * time.Millisecond},
	} {
		if got := percentile(s, tc.p); got != tc.want {
			t.Errorf("percentile(1..100ms, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}

	// Classic nearest-rank example: 15, 20, 35, 40, 50.
	s = []time.Duration{15, 20, 35, 40, 50}
	for p, want := range map[float64]time.Duration{5: 15, 30: 20, 40: 20, 50: 35, 100: 50} {
		if got := percentile(s, p); got != want {
			t.Errorf("percentile(%v, %v) = %v, want %v", s, p, got, want)
		}
	}

	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("single sample: got %v, want 7", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("no samples: got %v, want 0", got)
	}
}

func TestSetLatenciesSortsAndConverts(t *testing.T) {
	samples := []time.Duration{
		3 * time.Millisecond, 1500 * time.Microsecond, 10 * time.Millisecond,
		2 * time.Millisecond, 1234567 * time.Nanosecond,
	}
	var r Result
	r.setLatencies(samples)
	if !slices.IsSorted(samples) {
		t.Errorf("samples not sorted: %v", samples)
	}
	// Sorted: 1.234567, 1.5, 2, 3, 10 ms.
	if r.P50Ms != 2 || r.P90Ms != 10 || r.P99Ms != 10 || r.MaxMs != 10 {
		t.Errorf("got p50=%v p90=%v p99=%v max=%v, want 2 10 10 10", r.P50Ms, r.P90Ms, r.P99Ms, r.MaxMs)
	}
	r.setLatencies([]time.Duration{1234567 * time.Nanosecond})
	if r.P50Ms != 1.235 || r.MaxMs != 1.235 {
		t.Errorf("got p50=%v max=%v, want 1.235 (rounded to microseconds)", r.P50Ms, r.MaxMs)
	}
	r.setLatencies(nil)
	if r != (Result{}) {
		t.Errorf("no samples: got %+v, want zero latencies", r)
	}
}

func TestSetWindow(t *testing.T) {
	r := Result{Messages: 1000}
	r.setWindow(2500 * time.Millisecond)
	if r.Seconds != 2.5 || r.MessagesPerSec != 400 {
		t.Errorf("got seconds=%v rate=%v, want 2.5 400", r.Seconds, r.MessagesPerSec)
	}
	r.setWindow(0)
	if r.MessagesPerSec != 0 {
		t.Errorf("empty window: rate %v, want 0", r.MessagesPerSec)
	}
}

func TestResultJSONFieldNames(t *testing.T) {
	r := Result{Users: 1, Messages: 2, Errors: 3, Seconds: 4, MessagesPerSec: 5,
		P50Ms: 6, P90Ms: 7, P99Ms: 8, MaxMs: 9, WSReceived: 10}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"users": 1, "messages": 2, "errors": 3, "seconds": 4,
		"messages_per_sec": 5, "p50_ms": 6, "p90_ms": 7, "p99_ms": 8, "max_ms": 9, "ws_received": 10}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("JSON = %s, want fields %v", b, want)
	}

	r.WSReceived = 0
	b, _ = json.Marshal(r)
	if strings.Contains(string(b), "ws_received") {
		t.Errorf("ws_received not omitted when zero: %s", b)
	}
	if !strings.Contains(string(b), `"errors":3`) {
		t.Errorf("errors missing: %s", b)
	}
}

func TestParseAck(t *testing.T) {
	good := map[string]int64{
		`{"message_id":"m1","seq":7}`:                                 7,
		` { "seq" : 42 , "message_id" : "abc" } ` + "\n":              42,
		`{"message_id":"a\"b\\","seq":0}`:                             0,
		`{"message_id":"m","seq":9,"dup":false,"x":null,"y":true}`:    9,
		`{"message_id":"m","seq":3,"created_at":"2024-01-01T00:00Z"}`: 3,
		// Handled by the encoding/json fallback.
		`{"message_id":"m","seq":5,"extra":{"a":[1,2]}}`: 5,
	}
	for in, want := range good {
		got, err := parseAck([]byte(in))
		if err != nil || got != want {
			t.Errorf("parseAck(%s) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{
		``, `{}`, `null`, `[]`, `{"seq":1}`, `{"message_id":"m"}`, `{"message_id":"","seq":1}`,
		`{"message_id":"m","seq":"1"}`, `{"message_id":"m","seq":1`, `{"message_id":"m","seq":1}x`,
		`{"message_id":"m","seq":1.5}`, `{"message_id":"m","seq":1e1}`, `{"message_id":"m","seq":01}`, `{"message_id":5,"seq":1}`,
	} {
		if got, err := parseAck([]byte(in)); err == nil {
			t.Errorf("parseAck(%s) = %d, nil; want an error", in, got)
		}
	}
}

func TestScanAckAgreesWithJSON(t *testing.T) {
	for _, in := range []string{
		`{"message_id":"m1","seq":7}`, `{"seq":-3,"message_id":"\u00e9"}`,
		`{"message_id":"m","seq":9223372036854775}`, `{"a":"}","message_id":"m","seq":1}`,
	} {
		seq, ok := scanAck([]byte(in))
		if !ok {
			t.Errorf("scanAck(%s) not handled", in)
			continue
		}
		var a struct {
			Seq int64 `json:"seq"`
		}
		if err := json.Unmarshal([]byte(in), &a); err != nil || a.Seq != seq {
			t.Errorf("scanAck(%s) = %d; encoding/json says %d, %v", in, seq, a.Seq, err)
		}
	}
}

func TestParseAckFastPathDoesNotAllocate(t *testing.T) {
	b := []byte(`{"message_id":"01J8Z6","seq":12345}`)
	if n := testing.AllocsPerRun(100, func() { parseAck(b) }); n != 0 {
		t.Errorf("parseAck allocates %v times per call, want 0", n)
	}
}

func TestSenderBuild(t *testing.T) {
	s, err := newSender(context.Background(), "http://x", "run1", 7, conversation{ID: "c/1", Token: "tok"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.addr != "x:80" {
		t.Errorf("addr = %s, want x:80", s.addr)
	}
	for _, want := range []string{"POST /api/v1/widget/conversations/c%2F1/messages HTTP/1.1\r\n", "\r\nHost: x\r\n",
		"\r\nAuthorization: Bearer tok\r\n"} {
		if !strings.Contains(string(s.head), want) {
			t.Errorf("request head %q lacks %q", s.head, want)
		}
	}
	seen := map[string]bool{}
	for n := 1; n <= 3; n++ {
		s.build(n)
		var m struct {
			ClientMessageID string `json:"client_message_id"`
			Body            string `json:"body"`
		}
		if err := json.Unmarshal(s.body, &m); err != nil {
			t.Fatalf("body %s: %v", s.body, err)
		}
		if !strings.HasPrefix(m.ClientMessageID, "bench-run1-7-") || seen[m.ClientMessageID] {
			t.Errorf("client_message_id %q not unique or malformed", m.ClientMessageID)
		}
		seen[m.ClientMessageID] = true
		if m.Body == "" {
			t.Errorf("empty body")
		}
	}
	if n := testing.AllocsPerRun(100, func() { s.build(123456) }); n != 0 {
		t.Errorf("build allocates %v times per call, want 0", n)
	}
}

func TestWSURL(t *testing.T) {
	for base, want := range map[string]string{
		"http://localhost:8080":  "ws://localhost:8080/ws/contact?after=0&conversation=c+1",
		"https://chat.example/p": "wss://chat.example/p/ws/contact?after=0&conversation=c+1",
	} {
		got := wsURL(base, "c 1", 0)
		if got != want {
			t.Errorf("wsURL(%q) = %q, want %q", base, got, want)
		}
		if u, err := url.Parse(got); err != nil || u.Query().Get("conversation") != "c 1" {
			t.Errorf("wsURL(%q) = %q does not round-trip: %v", base, got, err)
		}
	}
}

func TestNewAPIError(t *testing.T) {
	e := newAPIError(429, []byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
	if e.Error() != "HTTP 429 rate_limited: slow down" {
		t.Errorf("got %q", e.Error())
	}
	e = newAPIError(502, []byte("Bad Gateway\n"))
	if e.Error() != "HTTP 502: Bad Gateway" {
		t.Errorf("got %q", e.Error())
	}
}

func TestReadBody(t *testing.T) {
	in := strings.Repeat("x", 3000)
	buf, err := readBody(make([]byte, 0, 16), strings.NewReader(in), 4000)
	if err != nil || string(buf) != in {
		t.Errorf("readBody: %d bytes, %v", len(buf), err)
	}
	if _, err := readBody(nil, strings.NewReader(in), 100); err != errResponseTooLarge {
		t.Errorf("over limit: err = %v, want errResponseTooLarge", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	ok := Options{BaseURL: "http://localhost:8080/", InboxKey: "k", Users: 1, Messages: 1}
	if err := ok.validate(); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
	d := ok
	d.Messages, d.Duration = 0, time.Second
	if err := d.validate(); err != nil {
		t.Errorf("duration run rejected: %v", err)
	}
	for name, mut := range map[string]func(*Options){
		"no base":     func(o *Options) { o.BaseURL = "" },
		"ws scheme":   func(o *Options) { o.BaseURL = "ws://localhost" },
		"no host":     func(o *Options) { o.BaseURL = "http://" },
		"no inbox":    func(o *Options) { o.InboxKey = "" },
		"no users":    func(o *Options) { o.Users = 0 },
		"no messages": func(o *Options) { o.Messages = 0 },
		"negative":    func(o *Options) { o.Duration = -time.Second },
	} {
		o := ok
		mut(&o)
		if err := o.validate(); err == nil {
			t.Errorf("%s: accepted %+v", name, o)
		}
	}
}
