package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/auth"
)

type profileAgent struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	AvatarURL string `json:"avatar_url"`
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// putAvatar uploads content as the part "file" with the given session.
func putAvatar(t *testing.T, s *apptest.Server, sess *apptest.Session, content []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "me.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req := s.NewRequest(t, "PUT", "/api/v1/me/avatar", body.Bytes())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(sess.Cookie)
	req.Header.Set("X-CSRF-Token", sess.CSRFToken)
	return s.DoRequest(t, req, "")
}

// An agent changes their own display name; replies carry it to the
// visitor. Nothing else about the agent changes.
func TestProfileName(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		sess := s.Login(t, mei.Email, mei.Password)
		status, b := s.DoSession(t, "PATCH", "/api/v1/me", sess, sess.CSRFToken, map[string]any{"name": "  Mei Lin ", "role": "admin"})
		var a profileAgent
		if status != http.StatusOK || json.Unmarshal(b, &a) != nil || a.Name != "Mei Lin" || a.Role != "agent" {
			t.Fatalf("PATCH /me: %d %s", status, b)
		}
		var me profileAgent
		s.JSON(t, "GET", "/api/v1/me", mei.Token, nil, http.StatusOK, &me)
		if me.Name != "Mei Lin" {
			t.Fatalf("GET /me after the change: %+v", me)
		}
		// Without the CSRF token the session cannot change it.
		if status, _ := s.DoSession(t, "PATCH", "/api/v1/me", sess, "", map[string]any{"name": "X"}); status != http.StatusForbidden {
			t.Fatalf("without CSRF: %d", status)
		}
		for _, bad := range []map[string]any{{"name": "   "}, {"name": strings.Repeat("名", 201)}, {}} {
			if status, b := s.DoSession(t, "PATCH", "/api/v1/me", sess, sess.CSRFToken, bad); status != http.StatusBadRequest || apptest.ErrorCode(t, b) != "invalid" {
				t.Fatalf("PATCH /me %v: %d %s", bad, status, b)
			}
		}
		// The visitor sees the new name on the agent's reply.
		conv, tok := s.StartConversation(t)
		s.JSON(t, "POST", "/api/v1/conversations/"+conv+"/messages", mei.Token, map[string]string{"body": "Hello"}, http.StatusCreated, nil)
		var msgs struct {
			Messages []struct {
				AuthorName string `json:"author_name"`
			} `json:"messages"`
		}
		s.JSON(t, "GET", "/api/v1/widget/conversations/"+conv+"/messages", tok, nil, http.StatusOK, &msgs)
		if n := len(msgs.Messages); n == 0 || msgs.Messages[n-1].AuthorName != "Mei Lin" {
			t.Fatalf("the visitor sees %+v", msgs.Messages)
		}
	})
}

// The avatar is an uploaded image, checked by its bytes, served from this
// server only, with a URL that changes with each upload.
func TestProfileAvatar(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
		ko := s.CreateAgent(t, "ko@example.com", "Ko", "agent")
		sess := s.Login(t, mei.Email, mei.Password)
		img := tinyPNG(t)

		status, b := putAvatar(t, s, sess, img)
		var a profileAgent
		if status != http.StatusOK || json.Unmarshal(b, &a) != nil || !strings.HasPrefix(a.AvatarURL, "/api/v1/agents/"+mei.ID+"/avatar?v=") {
			t.Fatalf("upload: %d %s", status, b)
		}
		// Any agent reads it (the list of agents carries the URL).
		req := s.NewRequest(t, "GET", a.AvatarURL, nil)
		resp, got := s.RoundTrip(t, func() *http.Request { req.Header.Set("Authorization", "Bearer "+ko.Token); return req }())
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, img) || resp.Header.Get("Content-Type") != "image/png" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("GET avatar: %d %v (%d bytes)", resp.StatusCode, resp.Header, len(got))
		}
		var list struct {
			Agents []profileAgent `json:"agents"`
		}
		s.JSON(t, "GET", "/api/v1/agents", ko.Token, nil, http.StatusOK, &list)
		found := false
		for _, x := range list.Agents {
			found = found || (x.ID == mei.ID && x.AvatarURL == a.AvatarURL)
		}
		if !found {
			t.Fatalf("the agent list does not carry the avatar: %+v", list.Agents)
		}

		// Not an image, an SVG (script in an image) and an oversized file
		// are refused; the stored avatar stays.
		for _, tc := range []struct {
			content []byte
			status  int
			code    string
		}{
			{[]byte("just text"), http.StatusUnsupportedMediaType, "unsupported"},
			{[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), http.StatusUnsupportedMediaType, "unsupported"},
			{append(tinyPNG(t), make([]byte, auth.MaxAvatarBytes)...), http.StatusRequestEntityTooLarge, "too_large"},
			{nil, http.StatusBadRequest, "invalid"},
		} {
			status, b := putAvatar(t, s, sess, tc.content)
			if status != tc.status || apptest.ErrorCode(t, b) != tc.code {
				t.Fatalf("upload of %d bytes: %d %s, want %d %s", len(tc.content), status, b, tc.status, tc.code)
			}
		}
		var me profileAgent
		s.JSON(t, "GET", "/api/v1/me", mei.Token, nil, http.StatusOK, &me)
		if me.AvatarURL != a.AvatarURL {
			t.Fatalf("a refused upload changed the avatar: %q → %q", a.AvatarURL, me.AvatarURL)
		}

		// Removing it: the URL goes, and the image answers 404.
		status, b = s.DoSession(t, "DELETE", "/api/v1/me/avatar", sess, sess.CSRFToken, nil)
		var after profileAgent
		if status != http.StatusOK || json.Unmarshal(b, &after) != nil || after.ID != mei.ID || after.AvatarURL != "" {
			t.Fatalf("delete: %d %s", status, b)
		}
		if status, _ := s.Do(t, "GET", "/api/v1/agents/"+mei.ID+"/avatar", ko.Token, nil); status != http.StatusNotFound {
			t.Fatalf("avatar after delete: %d", status)
		}
		if status, _ := s.Do(t, "GET", "/api/v1/agents/"+mei.ID+"/avatar", "", nil); status != http.StatusUnauthorized {
			t.Fatalf("avatar without credentials: %d", status)
		}
	})
}
