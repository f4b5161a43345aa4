package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/conversation"
)

// Every combination of the list's filters: each tab's count is the length
// of the list the tab shows, and both are what the conversations are.
func TestCountsAgreeWithListsForEveryFilter(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		inbox1, err := s.App.Convs.InboxByKey(ctx, s.InboxKey)
		if err != nil {
			t.Fatal(err)
		}
		inbox2, err := s.App.Convs.CreateInbox(ctx, "App", conversation.ChannelAPI)
		if err != nil {
			t.Fatal(err)
		}
		team, err := s.App.Convs.CreateTeam(ctx, "Payments")
		if err != nil {
			t.Fatal(err)
		}

		// One conversation per row: every status, both inboxes, with and
		// without the team, the tag, an assignee and searchable text.
		type spec struct {
			inbox    conversation.Inbox
			status   string
			assignee string
			team     bool
			tag      bool
			body     string
		}
		specs := []spec{
			{inbox1, "open", "", false, false, "我的转账一直没到账"},
			{inbox1, "open", s.AdminID, true, true, "my transfer is stuck"},
			{inbox1, "pending", "", false, true, "转账失败"},
			{inbox1, "pending", mei.ID, true, false, "hello"},
			{inbox2, "open", mei.ID, false, false, "stuck again"},
			{inbox2, "pending", s.AdminID, false, true, ""},
			{inbox2, "snoozed", "", true, false, "转账"},
			{inbox1, "resolved", s.AdminID, false, false, "stuck, solved"},
			{inbox2, "resolved", "", true, true, "thanks"},
			{inbox1, "closed", mei.ID, false, true, "转账好了"},
		}
		type conv struct {
			spec
			id, contact string
		}
		var convs []conv
		for i, sp := range specs {
			c, _, err := s.App.Convs.Start(ctx, sp.inbox, conversation.NewContact{Name: fmt.Sprintf("Contact %d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if sp.body != "" {
				s.Reply(t, c.ID, sp.body, false)
			}
			patch := map[string]any{"status": sp.status, "assignee_id": sp.assignee}
			if sp.status == "snoozed" {
				patch["snoozed_until"] = "2100-01-01T00:00:00Z"
			}
			if sp.team {
				patch["team_id"] = team.ID
			}
			if sp.tag {
				patch["tags"] = []string{"vip"}
			}
			s.JSON(t, "PATCH", "/api/v1/conversations/"+c.ID, s.AdminToken, patch, http.StatusOK, nil)
			convs = append(convs, conv{sp, c.ID, c.ContactID})
		}

		type filter struct{ status, inbox, team, tag, contact, q string }
		matches := func(c conv, f filter, assignee string) bool {
			if f.status != "" && !slices.Contains(strings.Split(f.status, ","), c.status) {
				return false
			}
			switch {
			case f.inbox != "" && c.inbox.ID != f.inbox,
				f.team != "" && !c.team,
				f.tag != "" && !c.tag,
				f.contact != "" && c.contact != f.contact,
				f.q == "转账" && !strings.Contains(c.body, "转账"),
				f.q == "stuck" && !strings.Contains(c.body, "stuck"),
				assignee == "me" && c.assignee != s.AdminID,
				assignee == "unassigned" && c.assignee != "":
				return false
			}
			return true
		}
		checked, nonzero := 0, 0
		for _, status := range []string{"", "open", "pending", "snoozed", "resolved", "closed", "open,pending", "resolved,closed"} {
			for _, inbox := range []string{"", inbox1.ID, inbox2.ID} {
				for _, tm := range []string{"", team.ID} {
					for _, tag := range []string{"", "vip"} {
						for _, contact := range []string{"", convs[1].contact} {
							for _, q := range []string{"", "转账", "stuck"} {
								f := filter{status, inbox, tm, tag, contact, q}
								v := url.Values{}
								for k, val := range map[string]string{"status": status, "inbox_id": inbox, "team_id": tm, "tag": tag, "contact_id": contact, "q": q} {
									if val != "" {
										v.Set(k, val)
									}
								}
								var counts countsJSON
								s.JSON(t, "GET", "/api/v1/conversations/counts?"+v.Encode(), s.AdminToken, nil, http.StatusOK, &counts)
								for _, tab := range []struct {
									assignee string
									count    int
								}{{"all", counts.All}, {"me", counts.Mine}, {"unassigned", counts.Unassigned}} {
									want := 0
									for _, c := range convs {
										if matches(c, f, tab.assignee) {
											want++
										}
									}
									v.Set("assignee", tab.assignee)
									var l convList
									s.JSON(t, "GET", "/api/v1/conversations?"+v.Encode(), s.AdminToken, nil, http.StatusOK, &l)
									if tab.count != len(l.Conversations) || l.Total != len(l.Conversations) || tab.count != want {
										t.Errorf("%+v, %s: count %d, list of %d (total %d), want %d", f, tab.assignee, tab.count, len(l.Conversations), l.Total, want)
									}
									checked++
									if want > 0 {
										nonzero++
									}
								}
							}
						}
					}
				}
			}
		}
		if nonzero < checked/8 {
			t.Errorf("only %d of %d combinations list anything; the fixture tests little", nonzero, checked)
		}
	})
}

// The server indexes new messages for search by itself, soon after they
// are stored (SQLite; PostgreSQL's indexes follow each write), and the
// search API finds them by their words.
func TestServerIndexesMessagesForSearch(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	st := s.StartConversationWith(t, map[string]string{"name": "Li"})
	s.Send(t, st.ConversationID, st.ContactToken, "m1", "提现一直没到账 0x52908400098527886E0F7030069857D2E4169EE7")
	deadline := time.Now().Add(10 * time.Second)
	for s.Count(t, "SELECT COUNT(*) FROM messages WHERE id > (SELECT indexed_upto FROM messages_fts_cursor)") > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the message is not indexed 10 s after it was stored")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, q := range []string{"没到账", "0x52908400098527886e0f70", "提现"} {
		var l convList
		s.JSON(t, "GET", "/api/v1/conversations?q="+url.QueryEscape(q), s.AdminToken, nil, http.StatusOK, &l)
		if l.Total != 1 || len(l.Conversations) != 1 || l.Conversations[0].ID != st.ConversationID {
			t.Errorf("search %q: %+v", q, l)
		}
	}
}
