package webchat_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// eachServer runs fn against a fresh server on every engine.
func eachServer(t *testing.T, fn func(t *testing.T, s *apptest.Server)) {
	t.Helper()
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) { fn(t, apptest.Start(t, e)) })
	}
}

type message struct {
	ID              string                       `json:"id"`
	ConversationID  string                       `json:"conversation_id"`
	Seq             int64                        `json:"seq"`
	Direction       string                       `json:"direction"`
	AuthorType      string                       `json:"author_type"`
	AuthorName      string                       `json:"author_name"`
	Body            string                       `json:"body"`
	ClientMessageID string                       `json:"client_message_id"`
	Attachments     []conversation.AttachmentRef `json:"attachments"`
}

type messages struct {
	Messages []message `json:"messages"`
}

func widgetMessages(t *testing.T, s *apptest.Server, convID, token string, after int64) []message {
	t.Helper()
	var m messages
	s.JSON(t, "GET", fmt.Sprintf("/api/v1/widget/conversations/%s/messages?after=%d", convID, after), token, nil, http.StatusOK, &m)
	return m.Messages
}

func agentMessages(t *testing.T, s *apptest.Server, convID string) []message {
	t.Helper()
	var m messages
	s.JSON(t, "GET", "/api/v1/conversations/"+convID+"/messages", s.AdminToken, nil, http.StatusOK, &m)
	return m.Messages
}

func seqs(ms []message) []int64 {
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.Seq)
	}
	return out
}

func download(t *testing.T, s *apptest.Server, path, token string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b.Bytes()
}

// uploadEncodedName uploads content under a file name sent RFC 2231-encoded
// in the part's Content-Disposition, so it may hold any byte.
func uploadEncodedName(t *testing.T, s *apptest.Server, path, token, filename string, content []byte) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename*=UTF-8''`+url.PathEscape(filename))
	h.Set("Content-Type", "application/octet-stream")
	pw, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", s.URL+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.DoRequest(t, req, token)
}

type convJSON struct {
	ID         string            `json:"id"`
	InboxID    string            `json:"inbox_id"`
	ContactID  string            `json:"contact_id"`
	Status     string            `json:"status"`
	Priority   string            `json:"priority"`
	AssigneeID string            `json:"assignee_id"`
	Tags       []string          `json:"tags"`
	Attributes map[string]string `json:"attributes"`
	LastSeq    int64             `json:"last_seq"`
}
