package uitest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huiying/huiying/internal/browsertest"
)

// insertCanned types "/shortcut" in the open conversation's reply box,
// picks the reply with Enter and returns the reply box's text.
func insertCanned(t *testing.T, ctx context.Context, shortcut string) string {
	t.Helper()
	do(t, ctx, "type /"+shortcut,
		chromedp.WaitVisible(testid("reply-input")),
		chromedp.SendKeys(testid("reply-input"), "/"+shortcut),
		chromedp.WaitVisible(testid("canned-option")),
		chromedp.SendKeys(testid("reply-input"), "\r"))
	waitJS(t, ctx, "the canned reply is inserted", `!document.querySelector('[data-testid=reply-input]').value.startsWith('/')`)
	// SendKeys' Enter also types a line break where a real key press's is
	// prevented; the reply itself is what counts.
	return strings.TrimRight(eval[string](t, ctx, `document.querySelector('[data-testid=reply-input]').value`), "\n")
}

// Issue 14 item 8 in the console: a canned reply greets a visitor by the
// name they gave, and one without a name with a plain "Hi" (never "Hi
// Visitor"); the agent edits their own display name and avatar in the
// profile page, and the top bar shows them.
func TestConsoleNamesAndProfile(t *testing.T) {
	e := start(t)
	named := e.srv.StartConversationWith(t, map[string]string{"name": "Li Wei"})
	anon := e.srv.StartConversationWith(t, map[string]string{})
	e.srv.Send(t, named.ConversationID, named.ContactToken, "m1", "hello")
	e.srv.Send(t, anon.ConversationID, anon.ContactToken, "m1", "hello")
	e.srv.JSON(t, "POST", "/api/v1/canned_replies", e.agent.Token,
		map[string]string{"shortcut": "greet", "title": "Greeting", "body": "Hi {{contact.name}}, how can I help?"}, http.StatusCreated, nil)

	agent := e.person(t)
	do(t, agent, "a desktop window", chromedp.EmulateViewport(1280, 900))
	e.signIn(t, agent)
	for _, tc := range []struct{ conv, want string }{
		{named.ConversationID, "Hi Li Wei, how can I help?"},
		{anon.ConversationID, "Hi, how can I help?"},
	} {
		do(t, agent, "open conversation "+tc.conv, chromedp.Navigate(e.srv.URL+"/#/conversations/"+tc.conv))
		waitConsoleMessage(t, agent, "inbound", "hello")
		if got := insertCanned(t, agent, "greet"); got != tc.want {
			t.Errorf("the canned reply reads %q, want %q", got, tc.want)
		}
	}

	// The profile page: a new display name and an avatar.
	do(t, agent, "open the profile", chromedp.Click(testid("profile-open")), chromedp.WaitVisible(testid("profile-name")))
	waitJS(t, agent, "the profile shows the current name", `document.querySelector('[data-testid=profile-name]').value === `+js(e.agent.Name))
	do(t, agent, "change the display name",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=profile-name]').value = ''`),
		chromedp.SendKeys(testid("profile-name"), "Mei L."),
		chromedp.Click(testid("profile-name-save")))
	waitJS(t, agent, "the top bar shows the new name",
		`document.querySelector('[data-testid=profile-open] .me-name')?.textContent === 'Mei L.'`)
	var me struct {
		Name      string `json:"name"`
		AvatarURL string `json:"avatar_url"`
	}
	e.srv.JSON(t, "GET", "/api/v1/me", e.agent.Token, nil, http.StatusOK, &me)
	if me.Name != "Mei L." {
		t.Fatalf("the stored name is %q", me.Name)
	}

	img := filepath.Join(t.TempDir(), "me.png")
	if err := os.WriteFile(img, avatarPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, agent, "upload an avatar", chromedp.SetUploadFiles(testid("profile-avatar-file"), []string{img}))
	waitJS(t, agent, "the avatar shows in the profile and the top bar",
		`document.querySelector('[data-testid=profile-avatar] img[data-testid=avatar-img]')?.complete &&
		 document.querySelector('[data-testid=profile-avatar] img').naturalWidth === 16 &&
		 document.querySelector('[data-testid=profile-open] img[data-testid=avatar-img]')`)
	e.srv.JSON(t, "GET", "/api/v1/me", e.agent.Token, nil, http.StatusOK, &me)
	if !strings.HasPrefix(me.AvatarURL, "/api/v1/agents/"+e.agent.ID+"/avatar") {
		t.Fatalf("the stored avatar URL is %q", me.AvatarURL)
	}
	browsertest.Shot(t, agent, "console-profile")

	// A file that is not an image is refused with a message; the avatar stays.
	txt := filepath.Join(t.TempDir(), "notes.png")
	if err := os.WriteFile(txt, []byte("not an image at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, agent, "upload a text file", chromedp.SetUploadFiles(testid("profile-avatar-file"), []string{txt}))
	waitJS(t, agent, "the refusal is shown", `document.querySelector('[data-testid=profile-avatar-result]:not([hidden])')?.textContent.includes('PNG')`)

	do(t, agent, "remove the avatar", chromedp.Click(testid("profile-avatar-remove")))
	waitJS(t, agent, "the initials are back",
		`document.querySelector('[data-testid=profile-avatar] [data-testid=avatar-initials]')?.textContent === 'ML' &&
		 document.querySelector('[data-testid=profile-open] [data-testid=avatar-initials]')`)
}

func avatarPNG(t *testing.T) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := 0; x < 16; x++ {
		for y := 0; y < 16; y++ {
			m.Set(x, y, color.RGBA{R: 29, G: 78, B: 216, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
