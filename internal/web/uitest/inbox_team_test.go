package uitest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin puts an inbox in a team from the console's inbox page, and
// takes it out again.
func TestAdminSetsInboxTeam(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	var team struct {
		ID string `json:"id"`
	}
	e.srv.JSON(t, "POST", "/api/v1/teams", e.srv.AdminToken, map[string]string{"name": "Payments"}, http.StatusCreated, &team)
	ctx := e.person(t)
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	do(t, ctx, "open the inboxes page",
		chromedp.Navigate(e.srv.URL+"/#/admin/inboxes"),
		chromedp.WaitVisible(testid("inbox-team")))
	waitJS(t, ctx, "the team in the select", `document.querySelector('[data-testid=inbox-team] option[value=`+js(team.ID)+`]')`)

	inboxTeam := func() string {
		var out struct {
			Inboxes []struct {
				TeamID string `json:"team_id"`
			} `json:"inboxes"`
		}
		e.srv.JSON(t, "GET", "/api/v1/inboxes", e.srv.AdminToken, nil, http.StatusOK, &out)
		if len(out.Inboxes) != 1 {
			t.Fatalf("%d inboxes, want 1", len(out.Inboxes))
		}
		return out.Inboxes[0].TeamID
	}
	choose := func(v string) {
		eval[bool](t, ctx, `(() => { const s = document.querySelector('[data-testid=inbox-team]'); s.value = `+js(v)+
			`; s.dispatchEvent(new Event('change')); return true; })()`)
	}
	choose(team.ID)
	eventually(t, "the inbox in the team in the API", func() (bool, string) {
		got := inboxTeam()
		return got == team.ID, fmt.Sprintf("team_id %q", got)
	})
	waitJS(t, ctx, "the select enabled again", `!document.querySelector('[data-testid=inbox-team]').disabled`)
	choose("")
	eventually(t, "the inbox out of the team in the API", func() (bool, string) {
		got := inboxTeam()
		return got == "", fmt.Sprintf("team_id %q", got)
	})
}
