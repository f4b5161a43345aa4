package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
)

type cannedJSON struct {
	ID        string    `json:"id"`
	Shortcut  string    `json:"shortcut"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func listCanned(t *testing.T, s *apptest.Server, token string) []cannedJSON {
	t.Helper()
	var l struct {
		Replies []cannedJSON `json:"canned_replies"`
	}
	s.JSON(t, "GET", "/api/v1/canned_replies", token, nil, http.StatusOK, &l)
	if l.Replies == nil {
		t.Fatal("canned_replies is null, want a list")
	}
	return l.Replies
}

func TestCannedRepliesCRUD(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent") // agents manage canned replies
		if got := listCanned(t, s, mei.Token); len(got) != 0 {
			t.Fatalf("fresh install has canned replies %+v", got)
		}
		body := "Hi {{contact.name}}, this is {{agent.name}}.\r\nYour top-up is on its way."
		var hi, bye cannedJSON
		s.JSON(t, "POST", "/api/v1/canned_replies", mei.Token,
			map[string]string{"shortcut": "top-up_1", "title": " Top-up arriving ", "body": body}, http.StatusCreated, &hi)
		if !strings.HasPrefix(hi.ID, "cr_") || hi.Shortcut != "top-up_1" || hi.Title != "Top-up arriving" ||
			hi.Body != strings.ReplaceAll(body, "\r\n", "\n") || hi.CreatedAt.IsZero() || !hi.UpdatedAt.Equal(hi.CreatedAt) {
			t.Fatalf("created %+v", hi)
		}
		s.JSON(t, "POST", "/api/v1/canned_replies", s.AdminToken,
			map[string]string{"shortcut": "bye", "title": "Goodbye", "body": "Bye!"}, http.StatusCreated, &bye)
		// Exactly these fields, and sorted by shortcut.
		var raw struct {
			Replies []map[string]any `json:"canned_replies"`
		}
		s.JSON(t, "GET", "/api/v1/canned_replies", mei.Token, nil, http.StatusOK, &raw)
		if len(raw.Replies) != 2 || raw.Replies[0]["shortcut"] != "bye" || raw.Replies[1]["shortcut"] != "top-up_1" {
			t.Fatalf("list %+v", raw.Replies)
		}
		for k := range raw.Replies[0] {
			if !strings.Contains(" id shortcut title body created_at updated_at ", " "+k+" ") {
				t.Errorf("canned reply has unexpected field %q", k)
			}
		}

		// Partial update: only the fields sent change.
		time.Sleep(2 * time.Millisecond)
		var up cannedJSON
		s.JSON(t, "PATCH", "/api/v1/canned_replies/"+hi.ID, mei.Token, map[string]string{"title": "Top-up on its way"}, http.StatusOK, &up)
		if up.ID != hi.ID || up.Shortcut != hi.Shortcut || up.Body != hi.Body || up.Title != "Top-up on its way" ||
			!up.CreatedAt.Equal(hi.CreatedAt) || !up.UpdatedAt.After(hi.UpdatedAt) {
			t.Fatalf("after PATCH title: %+v (was %+v)", up, hi)
		}
		s.JSON(t, "PATCH", "/api/v1/canned_replies/"+hi.ID, mei.Token, map[string]string{"shortcut": "a-topup", "body": "New body"}, http.StatusOK, &up)
		if up.Shortcut != "a-topup" || up.Body != "New body" || up.Title != "Top-up on its way" {
			t.Fatalf("after PATCH shortcut and body: %+v", up)
		}
		if got := listCanned(t, s, mei.Token); len(got) != 2 || got[0].ID != hi.ID || got[1].ID != bye.ID {
			t.Fatalf("list after renaming the shortcut: %+v", got)
		}

		if status, body := s.Do(t, "DELETE", "/api/v1/canned_replies/"+bye.ID, mei.Token, nil); status != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", status, body)
		}
		if got := listCanned(t, s, mei.Token); len(got) != 1 || got[0].ID != hi.ID {
			t.Fatalf("list after DELETE: %+v", got)
		}
		for _, method := range []string{"PATCH", "DELETE"} {
			status, body := s.Do(t, method, "/api/v1/canned_replies/"+bye.ID, mei.Token, map[string]string{"title": "x"})
			if status != http.StatusNotFound || apptest.ErrorCode(t, body) != "not_found" {
				t.Errorf("%s a deleted reply: %d %s", method, status, body)
			}
		}
		if status, _ := s.Do(t, "GET", "/api/v1/canned_replies", "", nil); status != http.StatusUnauthorized {
			t.Errorf("list without a token: %d, want 401", status)
		}
	})
}

func TestCannedRepliesValidation(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		var ok cannedJSON
		s.JSON(t, "POST", "/api/v1/canned_replies", s.AdminToken,
			map[string]string{"shortcut": "refund", "title": "Refund", "body": "Refunded."}, http.StatusCreated, &ok)
		var other cannedJSON
		s.JSON(t, "POST", "/api/v1/canned_replies", s.AdminToken,
			map[string]string{"shortcut": "kyc", "title": "KYC", "body": "Please verify."}, http.StatusCreated, &other)
		maxBody := strings.Repeat("é", 5000)
		var long cannedJSON
		s.JSON(t, "POST", "/api/v1/canned_replies", s.AdminToken,
			map[string]string{"shortcut": strings.Repeat("x", 32), "title": "Long", "body": maxBody}, http.StatusCreated, &long)
		if long.Body != maxBody {
			t.Fatal("a 5000-character body was changed")
		}
		valid := func(kv ...string) map[string]string {
			m := map[string]string{"shortcut": "new", "title": "New", "body": "Body"}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		}
		before := s.Snapshot(t)
		for _, tc := range []struct {
			name, method, path string
			body               any
			status             int
			code, says         string
		}{
			{"upper-case shortcut", "POST", "", valid("shortcut", "Refund"), 400, "invalid", "shortcut"},
			{"shortcut with a space", "POST", "", valid("shortcut", "top up"), 400, "invalid", "shortcut"},
			{"shortcut with a slash", "POST", "", valid("shortcut", "/hi"), 400, "invalid", "shortcut"},
			{"empty shortcut", "POST", "", valid("shortcut", ""), 400, "invalid", "shortcut"},
			{"33-character shortcut", "POST", "", valid("shortcut", strings.Repeat("a", 33)), 400, "invalid", "shortcut"},
			{"non-ASCII shortcut", "POST", "", valid("shortcut", "café"), 400, "invalid", "shortcut"},
			{"missing shortcut", "POST", "", map[string]string{"title": "T", "body": "B"}, 400, "invalid", "shortcut is required"},
			{"missing title", "POST", "", map[string]string{"shortcut": "x", "body": "B"}, 400, "invalid", "title is required"},
			{"blank title", "POST", "", valid("title", "  "), 400, "invalid", "title"},
			{"long title", "POST", "", valid("title", strings.Repeat("t", 201)), 400, "invalid", "title"},
			{"missing body", "POST", "", map[string]string{"shortcut": "x", "title": "T"}, 400, "invalid", "body is required"},
			{"blank body", "POST", "", valid("body", " \n "), 400, "invalid", "body"},
			{"5001-character body", "POST", "", valid("body", maxBody+"é"), 400, "invalid", "5000"},
			{"shortcut not a string", "POST", "", map[string]any{"shortcut": 7, "title": "T", "body": "B"}, 400, "invalid", "shortcut"},
			{"not JSON", "POST", "", "{", 400, "malformed_json", "JSON"},
			{"duplicate shortcut", "POST", "", valid("shortcut", "refund"), 409, "conflict", "refund"},
			{"PATCH to a taken shortcut", "PATCH", ok.ID, map[string]string{"shortcut": "kyc"}, 409, "conflict", "kyc"},
			{"PATCH bad shortcut", "PATCH", ok.ID, map[string]string{"shortcut": "KYC!"}, 400, "invalid", "shortcut"},
			{"PATCH blank body", "PATCH", ok.ID, map[string]string{"body": ""}, 400, "invalid", "body"},
			{"PATCH unknown id", "PATCH", "cr_nope", map[string]string{"title": "T"}, 404, "not_found", "cr_nope"},
			{"DELETE unknown id", "DELETE", "cr_nope", nil, 404, "not_found", "cr_nope"},
		} {
			path := "/api/v1/canned_replies"
			if tc.path != "" {
				path += "/" + tc.path
			}
			status, body := s.Do(t, tc.method, path, s.AdminToken, tc.body)
			if status != tc.status || apptest.ErrorCode(t, body) != tc.code || !strings.Contains(string(body), tc.says) {
				t.Errorf("%s: %d %s, want %d %s mentioning %q", tc.name, status, body, tc.status, tc.code, tc.says)
			}
		}
		s.AssertNothingWritten(t, before)
		got := listCanned(t, s, s.AdminToken)
		b, _ := json.Marshal(got)
		if len(got) != 3 || got[1].ID != ok.ID || got[1].Shortcut != "refund" || got[1].Body != "Refunded." {
			t.Fatalf("replies changed by refused requests: %s", b)
		}
	})
}
