package uitest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/browsertest"
)

// signInAs signs a (non-admin) agent in through the console's login form.
func (e *env) signInAs(t *testing.T, ctx context.Context, a apptest.Agent) {
	t.Helper()
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	do(t, ctx, "sign in as "+a.Email,
		chromedp.SendKeys(testid("login-email"), a.Email),
		chromedp.SendKeys(testid("login-password"), a.Password),
		chromedp.Click(testid("login-submit")),
		chromedp.WaitVisible(testid("sign-out")))
	waitJS(t, ctx, "the console's event stream is live",
		`document.querySelector('[data-testid=connection-status].conn-live')`)
}

func presenceOf(t *testing.T, e *env, token string) string {
	t.Helper()
	var p struct {
		Status string `json:"status"`
	}
	e.srv.JSON(t, "GET", "/api/v1/me/presence", token, nil, http.StatusOK, &p)
	return p.Status
}

// The presence switch at the top of the console, on a phone: it shows the
// agent's presence, changes it on the server, and follows a change made
// elsewhere (here through the API, as another tab or the grace period
// would) over the console's event stream.
func TestConsolePresenceSwitch(t *testing.T) {
	e := start(t)
	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	e.signIn(t, ctx)
	do(t, ctx, "the presence switch shows", chromedp.WaitVisible(testid("presence-select")))
	want := presenceOf(t, e, e.agent.Token)
	waitJS(t, ctx, "the switch shows the server's presence "+want,
		`document.querySelector('[data-testid=presence-select]').value === `+js(want)+
			` && document.querySelector('[data-testid=presence]').dataset.status === `+js(want))
	if got := eval[string](t, ctx, `document.querySelector('label[for='+CSS.escape(document.querySelector('[data-testid=presence-select]').id)+']')?.textContent || ''`); got != "Your status" {
		t.Errorf("the switch's label reads %q, want %q", got, "Your status")
	}
	// On a phone it sits on screen, where a tap reaches it.
	onScreen := eval[bool](t, ctx, `(() => {
  const el = document.querySelector('[data-testid=presence-select]');
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return r.width > 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && (hit === el || el.contains(hit))
    && document.documentElement.scrollWidth <= window.innerWidth;
})()`)
	if !onScreen {
		t.Errorf("the presence switch is not fully on a phone's screen, or the page scrolls sideways%s", pageText(ctx))
	}

	for _, status := range []string{"online", "away", "offline", "online"} {
		// The select is disabled while a change is being saved.
		waitJS(t, ctx, "the switch takes a choice", `!document.querySelector('[data-testid=presence-select]').disabled`)
		choose(t, ctx, "presence-select", status)
		eventually(t, "the agent's presence on the server is "+status, func() (bool, string) {
			got := presenceOf(t, e, e.agent.Token)
			return got == status, got
		})
		waitJS(t, ctx, "the dot shows "+status, `document.querySelector('[data-testid=presence-dot]').classList.contains('presence-`+status+`')`)
	}

	// Changed elsewhere: the switch follows without a reload.
	e.srv.JSON(t, "PUT", "/api/v1/me/presence", e.agent.Token, map[string]string{"status": "away"}, http.StatusOK, nil)
	waitJS(t, ctx, "the switch follows the server to away",
		`document.querySelector('[data-testid=presence-select]').value === 'away' && document.querySelector('[data-testid=presence]').dataset.status === 'away'`)
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}

type apiAgentRouting struct {
	ID       string   `json:"id"`
	Capacity int      `json:"capacity"`
	Skills   []string `json:"skills"`
	Presence string   `json:"presence"`
	Load     int      `json:"load"`
}

func (e *env) agentRouting(t *testing.T, id string) apiAgentRouting {
	t.Helper()
	return listed[apiAgentRouting](t, e, "/api/v1/agents", "agents", id)
}

// listed reads the list under key at path (as the admin) and returns the
// item with the id.
func listed[T any](t *testing.T, e *env, path, key, id string) T {
	t.Helper()
	var out map[string][]json.RawMessage
	e.srv.JSON(t, "GET", path, e.srv.AdminToken, nil, http.StatusOK, &out)
	for _, raw := range out[key] {
		var item struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &item) == nil && item.ID == id {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
			return v
		}
	}
	t.Fatalf("%s %s is not in GET %s", key, id, path)
	var zero T
	return zero
}

// An admin sets an agent's capacity and skills on the agents page; the
// server's refusal of a capacity out of range is shown in the agent's row.
func TestAdminSetsAgentCapacityAndSkills(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "a desktop window", chromedp.EmulateViewport(1280, 900))
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	row := `document.querySelector('[data-testid=agent-row][data-agent-id=` + js(e.agent.ID) + `]')`
	do(t, ctx, "open the agents page", chromedp.Navigate(e.srv.URL+"/#/admin/agents"))
	waitJS(t, ctx, "Mei's row with her routing settings, the list loaded",
		`!document.querySelector('[data-testid=agent-list]').hasAttribute('aria-busy') && `+row+`?.querySelector('[data-testid=agent-capacity]')`)
	before := e.agentRouting(t, e.agent.ID)
	if got := eval[string](t, ctx, row+`.querySelector('[data-testid=agent-load]').textContent`); got != fmt.Sprintf("Load %d / %d", before.Load, before.Capacity) {
		t.Errorf("the row shows %q, want the load %d / %d", got, before.Load, before.Capacity)
	}

	setField := func(testID, value string) {
		eval[bool](t, ctx, `(() => { const el = `+row+`.querySelector('[data-testid=`+testID+`]'); el.value = `+js(value)+
			`; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`)
	}
	click := func(selector string) {
		eval[bool](t, ctx, `(() => { `+row+`.querySelector(`+js(selector)+`).click(); return true; })()`)
	}

	// Out of range: the server says no, next to the fields.
	setField("agent-capacity", "101")
	click("[data-testid=agent-routing-save]")
	waitJS(t, ctx, "the server's refusal in the row",
		row+`.querySelector('[data-testid=agent-routing-result].msgbox-error:not([hidden])')?.textContent.length > 0`)
	if got := e.agentRouting(t, e.agent.ID); got.Capacity != before.Capacity {
		t.Fatalf("capacity %d stored after a refused change, want %d", got.Capacity, before.Capacity)
	}

	setField("agent-capacity", "2")
	setField("agent-skills", "zh-CN， tron")
	click("[data-testid=agent-skill-suggest][data-skill=en]")
	click("[data-testid=agent-routing-save]")
	waitJS(t, ctx, "saved", row+`.querySelector('[data-testid=agent-routing-result].msgbox-ok:not([hidden])')`)
	got := e.agentRouting(t, e.agent.ID)
	skills := slices.Sorted(slices.Values(got.Skills))
	if got.Capacity != 2 || strings.Join(skills, ",") != "en,tron,zh-CN" {
		t.Fatalf("stored capacity %d and skills %q, want 2 and [en tron zh-CN]", got.Capacity, got.Skills)
	}
	waitJS(t, ctx, "the row shows the new capacity", row+`.querySelector('[data-testid=agent-load]').textContent === 'Load `+fmt.Sprint(got.Load)+` / 2'`)

	// Mei goes online elsewhere: her row follows.
	e.srv.JSON(t, "PUT", "/api/v1/me/presence", e.agent.Token, map[string]string{"status": "online"}, http.StatusOK, nil)
	waitJS(t, ctx, "Mei's row shows her online", row+`.querySelector('[data-testid=agent-presence]').dataset.presence === 'online'`)

	// A reload shows what is stored.
	do(t, ctx, "reload", chromedp.Reload())
	waitJS(t, ctx, "the stored settings after a reload",
		row+`?.querySelector('[data-testid=agent-capacity]').value === '2' && `+row+`.querySelector('[data-testid=agent-skills]').value === `+js(strings.Join(got.Skills, ", ")))
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}

// A supervisor's Queues page shows a team's waiting count as the server
// counts it, and follows a new waiting conversation without a reload.
func TestQueuesPageShowsWaiting(t *testing.T) {
	e := start(t)
	sup := e.srv.CreateAgent(t, "sun@example.com", "Sun Li", "supervisor")
	var team struct {
		ID string `json:"id"`
	}
	e.srv.JSON(t, "POST", "/api/v1/teams", e.srv.AdminToken, map[string]string{"name": "Payments"}, http.StatusCreated, &team)
	e.srv.JSON(t, "PATCH", "/api/v1/inboxes/"+e.srv.InboxID, e.srv.AdminToken, map[string]any{"team_id": team.ID}, http.StatusOK, nil)
	e.srv.JSON(t, "PATCH", "/api/v1/inboxes/"+e.srv.InboxID, e.srv.AdminToken, map[string]any{"bot_enabled": false}, http.StatusOK, nil)
	first := e.srv.StartConversationWith(t, map[string]string{"name": "Visitor One"})
	e.srv.Send(t, first.ConversationID, first.ContactToken, "m1", "my transfer has not arrived")

	serverWaiting := func() int {
		var out struct {
			Queues []struct {
				TeamID  string `json:"team_id"`
				Waiting int    `json:"waiting"`
			} `json:"queues"`
		}
		e.srv.JSON(t, "GET", "/api/v1/routing/queues", e.srv.AdminToken, nil, http.StatusOK, &out)
		for _, q := range out.Queues {
			if q.TeamID == team.ID {
				return q.Waiting
			}
		}
		return -1
	}
	eventually(t, "the server counts 1 waiting in the team", func() (bool, string) {
		n := serverWaiting()
		return n == 1, fmt.Sprint(n)
	})

	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "a desktop window", chromedp.EmulateViewport(1280, 900))
	e.signInAs(t, ctx, sup)
	do(t, ctx, "open Queues from the nav", chromedp.Click(testid("nav-queues")))
	card := `document.querySelector('[data-testid=queue-card][data-team-id=` + js(team.ID) + `]')`
	waitJS(t, ctx, "the team's card says 1 waiting",
		card+`?.querySelector('[data-testid=queue-waiting]').textContent.trim() === '1 waiting'`)
	if got := eval[string](t, ctx, card+`.querySelector('h2').textContent`); got != "Payments" {
		t.Errorf("the card is titled %q, want Payments", got)
	}
	waitJS(t, ctx, "the supervisor in the agents' load list",
		`document.querySelector('[data-testid=load-row][data-agent-id=`+js(sup.ID)+`]')`)

	second := e.srv.StartConversationWith(t, map[string]string{"name": "Visitor Two"})
	e.srv.Send(t, second.ConversationID, second.ContactToken, "m1", "is anyone there?")
	eventually(t, "the server counts 2 waiting", func() (bool, string) {
		n := serverWaiting()
		return n == 2, fmt.Sprint(n)
	})
	waitJS(t, ctx, "the card follows to 2 waiting without a reload",
		card+`.querySelector('[data-testid=queue-waiting]').dataset.waiting === '2'`)
	browsertest.Shot(t, ctx, "console-queues")

	// On a phone the cards stack, each as wide as the screen allows, and
	// nothing scrolls sideways.
	do(t, ctx, "a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	waitJS(t, ctx, "the cards stack on a phone", `(() => {
  const cards = [...document.querySelectorAll('[data-testid=queue-card]')].map((c) => c.getBoundingClientRect());
  return cards.length >= 1 && cards.every((r, i) => r.right <= window.innerWidth && r.width > window.innerWidth * 0.8 &&
    (i === 0 || r.top >= cards[i - 1].bottom)) && document.querySelector('.main').scrollWidth <= window.innerWidth;
})()`)
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}

type apiTeamRouting struct {
	ID                   string              `json:"id"`
	Routing              string              `json:"routing"`
	TimeZone             string              `json:"timezone"`
	Hours                map[string][]string `json:"hours"`
	Holidays             []string            `json:"holidays"`
	OverflowTeamID       *string             `json:"overflow_team_id"`
	OverflowAfterMinutes int                 `json:"overflow_after_minutes"`
}

func (e *env) teamRouting(t *testing.T, id string) apiTeamRouting {
	t.Helper()
	return listed[apiTeamRouting](t, e, "/api/v1/teams", "teams", id)
}

// An admin sets a team's routing on the teams page: the mode, the zone,
// weekly hours (a working week, then Saturday morning too), a holiday and
// overflow to another team; a span the server refuses shows its message
// next to the form and changes nothing.
func TestAdminSetsTeamRoutingAndHours(t *testing.T) {
	e := start(t)
	admin := e.srv.CreateAdmin(t, "boss@example.com", "Boss")
	var pay, night struct {
		ID string `json:"id"`
	}
	e.srv.JSON(t, "POST", "/api/v1/teams", e.srv.AdminToken, map[string]string{"name": "Payments"}, http.StatusCreated, &pay)
	e.srv.JSON(t, "POST", "/api/v1/teams", e.srv.AdminToken, map[string]string{"name": "Night shift"}, http.StatusCreated, &night)
	ctx := e.person(t)
	errs := watchExceptions(ctx)
	do(t, ctx, "a desktop window", chromedp.EmulateViewport(1280, 900))
	do(t, ctx, "open the console's sign-in form",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(testid("login-email")))
	signInWithCode(t, ctx, admin.Email, admin.Password, admin.TOTPSecret)
	do(t, ctx, "open the teams page", chromedp.Navigate(e.srv.URL+"/#/admin/teams"))
	row := `document.querySelector('[data-testid=team-row][data-team-id=` + js(pay.ID) + `]')`
	waitJS(t, ctx, "the Payments team with its routing", row+`?.querySelector('[data-testid=team-routing]')`)
	// in runs a statement with r bound to the Payments row.
	in := func(stmt string) {
		t.Helper()
		eval[bool](t, ctx, `(() => { const r = `+row+`; `+stmt+`; return true; })()`)
	}
	setValue := func(sel, value string) string {
		return `{ const el = r.querySelector(` + js(sel) + `); el.value = ` + js(value) +
			`; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }`
	}
	in(`r.querySelector('[data-testid=team-routing] summary').click()`)
	waitJS(t, ctx, "the settings unfolded", row+`.querySelector('[data-testid=team-routing]').open`)
	if !eval[bool](t, ctx, row+`.querySelector('[data-testid=team-always-open]').checked`) {
		t.Fatal("a new team is not shown as always open")
	}
	in(setValue("[data-testid=team-routing-mode]", "round_robin"))
	in(setValue("[data-testid=team-timezone]", "Asia/Shanghai"))
	in(`r.querySelector('[data-testid=team-always-open]').click()`)
	waitJS(t, ctx, "a working week to start from",
		row+`.querySelectorAll('.day[data-day=mon] [data-testid=hours-from]').length === 1 && `+
			row+`.querySelectorAll('.day[data-day=sat] [data-testid=hours-from]').length === 0`)
	in(`r.querySelector('[data-testid=hours-add][data-day=sat]').click()`)
	in(setValue(".day[data-day=sat] [data-testid=hours-to]", "12:00"))
	in(setValue(".day[data-day=fri] [data-testid=hours-to]", "00:00")) // until midnight
	in(setValue("[data-testid=holiday-date]", "2026-10-01"))
	in(`r.querySelector('[data-testid=holiday-add]').click()`)
	in(setValue("[data-testid=team-overflow-team]", night.ID))
	in(setValue("[data-testid=team-overflow-minutes]", "15"))
	in(`r.querySelector('[data-testid=team-routing-save]').click()`)
	waitJS(t, ctx, "saved", row+`.querySelector('[data-testid=team-routing-result].msgbox-ok:not([hidden])')`)

	got := e.teamRouting(t, pay.ID)
	want := map[string][]string{
		"mon": {"09:00-18:00"}, "tue": {"09:00-18:00"}, "wed": {"09:00-18:00"}, "thu": {"09:00-18:00"},
		"fri": {"09:00-24:00"}, "sat": {"09:00-12:00"},
	}
	if got.Routing != "round_robin" || got.TimeZone != "Asia/Shanghai" || fmt.Sprint(got.Hours) != fmt.Sprint(want) ||
		fmt.Sprint(got.Holidays) != "[2026-10-01]" || got.OverflowTeamID == nil || *got.OverflowTeamID != night.ID || got.OverflowAfterMinutes != 15 {
		t.Fatalf("stored routing %+v (overflow to %v), want round robin in Asia/Shanghai, hours %v, the holiday 2026-10-01 and overflow to %s after 15 min",
			got, got.OverflowTeamID, want, night.ID)
	}

	// Saturday ending before it starts: the server's message, nothing changed.
	in(setValue(".day[data-day=sat] [data-testid=hours-from]", "13:00"))
	in(`r.querySelector('[data-testid=team-routing-save]').click()`)
	waitJS(t, ctx, "the server's refusal beside the form",
		row+`.querySelector('[data-testid=team-routing-result].msgbox-error:not([hidden])')?.textContent.includes('hours.sat')`)
	if again := e.teamRouting(t, pay.ID); fmt.Sprint(again.Hours) != fmt.Sprint(want) {
		t.Fatalf("hours %v stored after a refused change, want %v", again.Hours, want)
	}

	// A reload shows what is stored, midnight as 00:00.
	do(t, ctx, "reload", chromedp.Reload())
	waitJS(t, ctx, "the stored settings after a reload",
		row+`?.querySelector('[data-testid=team-routing-mode]').value === 'round_robin' && `+
			row+`.querySelector('[data-testid=team-always-open]').checked === false && `+
			row+`.querySelector('.day[data-day=fri] [data-testid=hours-to]').value === '00:00' && `+
			row+`.querySelector('[data-testid=team-overflow-team]').value === `+js(night.ID))
	if x := errs(); len(x) > 0 {
		t.Fatalf("JavaScript exceptions: %v", x)
	}
}
