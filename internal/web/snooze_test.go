package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
)

// A conversation snoozed through the API opens again by itself when
// snoozed_until passes: the running server's Snoozer is re-armed by the
// snooze, so it does not wait for its 30 s sweep.
func TestSnoozedConversationWakesOnItsOwn(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		convID, _ := s.StartConversation(t)
		path := "/api/v1/conversations/" + convID
		until := time.Now().Add(time.Second)
		var c convJSON
		s.JSON(t, "PATCH", path, s.AdminToken, map[string]any{"status": "snoozed", "snoozed_until": until}, http.StatusOK, &c)
		if c.Status != "snoozed" {
			t.Fatalf("after snoozing: status %s", c.Status)
		}
		deadline := until.Add(10 * time.Second)
		for {
			c = convJSON{}
			s.JSON(t, "GET", path, s.AdminToken, nil, http.StatusOK, &c)
			if c.Status == "open" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("status still %s 10 s after snoozed_until", c.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		late := time.Since(until)
		t.Logf("woken %v after snoozed_until (polling every 50 ms)", late.Round(time.Millisecond))
		if late > 5*time.Second {
			t.Errorf("woken %v after snoozed_until; the timer should fire within about a second", late)
		}
	})
}
