package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

type floodAnswer struct {
	status     int
	code       string
	retryAfter string
}

// flood sends the requests all at once and returns the answers.
func flood(t *testing.T, reqs []*http.Request) []floodAnswer {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: len(reqs)}}
	defer client.CloseIdleConnections()
	out := make([]floodAnswer, len(reqs))
	errs := make([]error, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			<-start
			resp, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var body struct {
				Error struct{ Code string } `json:"error"`
			}
			_ = json.Unmarshal(b, &body)
			out[i] = floodAnswer{resp.StatusCode, body.Error.Code, resp.Header.Get("Retry-After")}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("flood: %v", err)
		}
	}
	return out
}

// tally counts the answers by status, and checks that every 429 is a
// rate_limited with a Retry-After in seconds.
func tally(t *testing.T, answers []floodAnswer) map[int]int {
	t.Helper()
	n := map[int]int{}
	for _, a := range answers {
		n[a.status]++
		if a.status == http.StatusTooManyRequests {
			if ra, err := strconv.Atoi(a.retryAfter); a.code != "rate_limited" || err != nil || ra < 1 {
				t.Fatalf("429 %+v: want rate_limited with Retry-After seconds", a)
			}
		}
	}
	return n
}

func signInRequests(t *testing.T, s *apptest.Server, n int, email, password string) []*http.Request {
	t.Helper()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = s.NewRequest(t, "POST", "/api/v1/session", map[string]string{"email": email, "password": password})
	}
	return reqs
}

// The attack of issue 12 over HTTP: 50 wrong passwords at once from one
// address. At most the limit are checked (401, each audited); the rest are
// refused (429) and audited only as counts.
func TestConcurrentSignInsOverHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		n := tally(t, flood(t, signInRequests(t, s, 50, mei.Email, "wrong password")))
		// A 429 can also come from the argon2id slots on a slow machine;
		// either way no more than the limit are checked.
		if n[http.StatusUnauthorized] < 1 || n[http.StatusUnauthorized] > auth.MaxLoginFailuresPair ||
			n[http.StatusUnauthorized]+n[http.StatusTooManyRequests] != 50 {
			t.Fatalf("statuses %v: want at most %d 401 and the rest 429", n, auth.MaxLoginFailuresPair)
		}
		if got := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_failed' AND actor_email = ?",
			mei.Email); got != n[http.StatusUnauthorized] {
			t.Fatalf("%d failures audited, want %d", got, n[http.StatusUnauthorized])
		}
		// The 1st and 10th refusal of the limit (and of the argon2id slots,
		// when they refused some): a few entries, not one per 429.
		if got := s.Count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_refused'"); got < 1 || got > 4 {
			t.Fatalf("%d refusal entries for %d refusals, want the 1st and 10th of each limit", got, n[http.StatusTooManyRequests])
		}
		lockOut(t, func() int { return signInStatus(t, s, mei.Email, "wrong password") })
		if st := signInStatus(t, s, mei.Email, mei.Password); st != http.StatusTooManyRequests {
			t.Fatalf("the right password after the flood: %d, want 429", st)
		}
	})
}

// A stolen session or token cannot guess the password through the routes
// that check it: wrong current passwords count like failed sign-ins.
func TestPasswordChecksOverHTTPAreLimited(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ko := s.CreateAgent(t, "ko@example.com", "Ko", "agent")
		before := passwordHash(t, s, ko.ID)
		reqs := make([]*http.Request, 20)
		for i := range reqs {
			reqs[i] = s.NewRequest(t, "POST", changePasswordPath, passwordChange{"guess guess", "a brand new password"})
			reqs[i].Header.Set("Authorization", "Bearer "+ko.Token)
		}
		n := tally(t, flood(t, reqs))
		if n[http.StatusUnauthorized] < 1 || n[http.StatusUnauthorized] > auth.MaxLoginFailuresPair ||
			n[http.StatusUnauthorized]+n[http.StatusTooManyRequests] != 20 {
			t.Fatalf("password changes %v: want at most %d 401 and the rest 429", n, auth.MaxLoginFailuresPair)
		}
		lockOut(t, func() int {
			st, _ := s.Do(t, "POST", changePasswordPath, ko.Token, passwordChange{"guess guess", "a brand new password"})
			return st
		})
		s.JSON(t, "POST", changePasswordPath, ko.Token, passwordChange{ko.Password, "a brand new password"},
			http.StatusTooManyRequests, nil)
		if passwordHash(t, s, ko.ID) != before {
			t.Fatal("the password changed while locked")
		}

		lin := s.CreateAgent(t, "lin@example.com", "Lin", "agent")
		s.EnrollTOTP(t, &lin)
		reqs = reqs[:15]
		for i := range reqs {
			reqs[i] = s.NewRequest(t, "DELETE", "/api/v1/me/totp", map[string]string{"password": "guess guess"})
			reqs[i].Header.Set("Authorization", "Bearer "+lin.Token)
		}
		n = tally(t, flood(t, reqs))
		if n[http.StatusUnauthorized] < 1 || n[http.StatusUnauthorized] > auth.MaxLoginFailuresPair ||
			n[http.StatusUnauthorized]+n[http.StatusTooManyRequests] != 15 {
			t.Fatalf("two-factor disables %v: want at most %d 401 and the rest 429", n, auth.MaxLoginFailuresPair)
		}
		lockOut(t, func() int {
			st, _ := s.Do(t, "DELETE", "/api/v1/me/totp", lin.Token, map[string]string{"password": "guess guess"})
			return st
		})
		s.JSON(t, "DELETE", "/api/v1/me/totp", lin.Token, map[string]string{"password": lin.Password}, http.StatusTooManyRequests, nil)
		var secret string
		if err := s.App.DB.QueryRow(context.Background(), "SELECT totp_secret FROM agents WHERE id = ?", lin.ID).Scan(&secret); err != nil || secret == "" {
			t.Fatalf("two-factor sign-in turned off while locked (%v)", err)
		}
	})
}

// lockOut sends wrong attempts one at a time until one is refused: a
// flood on a slow machine (-race) can see some attempts refused for want
// of an argon2id slot, which do not count, so fewer than the limit failed.
func lockOut(t *testing.T, wrong func() int) {
	t.Helper()
	for range auth.MaxLoginFailuresPair + 1 {
		switch st := wrong(); st {
		case http.StatusTooManyRequests:
			return
		case http.StatusUnauthorized:
		default:
			t.Fatalf("a wrong attempt answered %d", st)
		}
	}
	t.Fatalf("%d more wrong attempts were all checked", auth.MaxLoginFailuresPair+1)
}

// Peak memory of the server process through the flood: before reserved
// attempts and the argon2id slots, 50 concurrent wrong sign-ins ran 50
// argon2id hashes of 64 MiB at once (3.3 GB). Measured figures are in
// docs/security.md; run with -v to see them.
func TestSignInFloodMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory makes the figure meaningless")
	}
	s := apptest.Start(t, "sqlite")
	mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
	reqs := signInRequests(t, s, 50, mei.Email, "wrong password")
	before := peakRSS(t)
	n := tally(t, flood(t, reqs))
	after := peakRSS(t)
	t.Logf("50 concurrent wrong sign-ins: statuses %v; peak RSS (VmHWM) %d MiB before, %d MiB after (+%d MiB); %d CPUs",
		n, before>>20, after>>20, (after-before)>>20, runtime.NumCPU())
	if grown := after - before; grown > 1<<30 {
		t.Fatalf("peak RSS grew by %d MiB, want < 1 GiB", grown>>20)
	}
}

// peakRSS is the process's peak resident memory (VmHWM) in bytes.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}
