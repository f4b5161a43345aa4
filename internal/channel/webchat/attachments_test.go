package webchat_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/conversation"
)

func TestAttachments(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		other, otherTok := s.StartConversation(t)
		uploadPath := "/api/v1/widget/conversations/" + conv + "/attachments"
		img := apptest.PNG(t)

		status, body := s.Upload(t, uploadPath, tok, "screenshot.png", img, map[string]string{"body": "see attached", "client_message_id": "up-1"})
		if status != http.StatusCreated {
			t.Fatalf("upload PNG: %d %s", status, body)
		}
		var ack apptest.Ack
		if err := json.Unmarshal(body, &ack); err != nil || ack.Seq != 1 {
			t.Fatalf("upload ack %s: %v", body, err)
		}
		msgs := widgetMessages(t, s, conv, tok, 0)
		if len(msgs) != 1 || len(msgs[0].Attachments) != 1 || msgs[0].Body != "see attached" {
			t.Fatalf("messages after upload = %+v", msgs)
		}
		att := msgs[0].Attachments[0]
		if att.Filename != "screenshot.png" || att.ContentType != "image/png" || att.Size != int64(len(img)) || att.ID == "" {
			t.Fatalf("attachment = %+v", att)
		}
		if files := s.AttachmentFiles(t); len(files) != 1 {
			t.Fatalf("attachment files %v, want one", files)
		}

		contactPath := "/api/v1/widget/conversations/" + conv + "/attachments/" + att.ID
		for _, tc := range []struct {
			name, path, token string
			status            int
		}{
			{"contact", contactPath, tok, 200},
			{"contact, token in query", contactPath + "?token=" + tok, "", 200},
			{"agent", "/api/v1/conversations/" + conv + "/attachments/" + att.ID, s.AdminToken, 200},
			{"another contact", contactPath, otherTok, 404},
			{"another contact through their own conversation", "/api/v1/widget/conversations/" + other + "/attachments/" + att.ID, otherTok, 404},
			{"agent through another conversation", "/api/v1/conversations/" + other + "/attachments/" + att.ID, s.AdminToken, 404},
			{"unknown attachment", "/api/v1/widget/conversations/" + conv + "/attachments/at_nope", tok, 404},
			{"no token", contactPath, "", 401},
		} {
			t.Run("download as "+tc.name, func(t *testing.T) {
				status, hdr, b := download(t, s, tc.path, tc.token)
				if status != tc.status {
					t.Fatalf("status %d, want %d; body %s", status, tc.status, b)
				}
				if status != 200 {
					apptest.ErrorCode(t, b)
					if bytes.Contains(b, img[:16]) {
						t.Fatal("refused download leaked the file")
					}
					return
				}
				if !bytes.Equal(b, img) {
					t.Fatalf("downloaded %d bytes, not the uploaded %d", len(b), len(img))
				}
				if hdr.Get("Content-Type") != "image/png" || hdr.Get("X-Content-Type-Options") != "nosniff" {
					t.Fatalf("headers %v", hdr)
				}
			})
		}

		// An agent can attach too, and the contact can fetch that file.
		status, body = s.Upload(t, "/api/v1/conversations/"+conv+"/attachments", s.AdminToken, "reply.png", img, nil)
		if status != http.StatusCreated {
			t.Fatalf("agent upload: %d %s", status, body)
		}
		var agentMsg message
		if err := json.Unmarshal(body, &agentMsg); err != nil || len(agentMsg.Attachments) != 1 || agentMsg.Direction != "outbound" {
			t.Fatalf("agent upload answer %s: %v", body, err)
		}
		if st, _, b := download(t, s, "/api/v1/widget/conversations/"+conv+"/attachments/"+agentMsg.Attachments[0].ID, tok); st != 200 || !bytes.Equal(b, img) {
			t.Fatalf("contact download of the agent's file: %d", st)
		}

		zip := append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), bytes.Repeat([]byte{0x00, 0xff, 0x13}, 200)...)
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0x00, 0x01, 0xfe}, 200)...)
		html := []byte("<html><script>alert(1)</script></html>")
		overLimit := append(slices.Clone(img), bytes.Repeat([]byte{0}, apptest.MaxUploadBytes+1-len(img))...)
		wayOver := append(slices.Clone(img), bytes.Repeat([]byte{0}, 2*apptest.MaxUploadBytes)...)
		for _, tc := range []struct {
			name, path, token, filename string
			content                     []byte
			status                      int
			code                        string
		}{
			{"zip", uploadPath, tok, "archive.zip", zip, 415, "unsupported"},
			{"exe named png", uploadPath, tok, "innocent.png", exe, 415, "unsupported"},
			{"html", uploadPath, tok, "page.html", html, 415, "unsupported"},
			{"one byte over the limit", uploadPath, tok, "big.png", overLimit, 413, "too_large"},
			{"far over the limit", uploadPath, tok, "huge.png", wayOver, 413, "too_large"},
			{"into another contact's conversation", "/api/v1/widget/conversations/" + other + "/attachments", tok, "x.png", img, 404, "not_found"},
			{"without a token", uploadPath, "", "x.png", img, 401, "unauthorized"},
		} {
			t.Run("upload "+tc.name, func(t *testing.T) {
				before := s.Snapshot(t, conv, other)
				status, body := s.Upload(t, tc.path, tc.token, tc.filename, tc.content, map[string]string{"body": "file"})
				if status != tc.status || apptest.ErrorCode(t, body) != tc.code {
					t.Fatalf("status %d body %s, want %d %s", status, body, tc.status, tc.code)
				}
				s.AssertNothingWritten(t, before, conv, other)
			})
		}

		// A form without a file part.
		before := s.Snapshot(t, conv)
		req, _ := http.NewRequest("POST", s.URL+uploadPath, strings.NewReader("just text"))
		req.Header.Set("Content-Type", "text/plain")
		status, body = s.DoRequest(t, req, tok)
		if status != 400 || apptest.ErrorCode(t, body) != "invalid" {
			t.Fatalf("upload without multipart: %d %s", status, body)
		}
		s.AssertNothingWritten(t, before, conv)
	})
}

// An upload whose message is then refused (its text is over the limit) must
// not leave the file or its attachment row behind.
func TestRefusedUploadMessageLeavesNoFile(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		before := s.Snapshot(t, conv)
		status, body := s.Upload(t, "/api/v1/widget/conversations/"+conv+"/attachments", tok, "x.png", apptest.PNG(t),
			map[string]string{"body": strings.Repeat("a", conversation.MaxBodyRunes+1)})
		if status != http.StatusRequestEntityTooLarge || apptest.ErrorCode(t, body) != "too_large" {
			t.Fatalf("status %d body %s, want 413 too_large", status, body)
		}
		s.AssertNothingWritten(t, before, conv)
	})
}

// Retrying an upload with the same client_message_id returns the original
// message; the second copy of the file must not be kept.
func TestRetriedUploadKeepsOneFile(t *testing.T) {
	eachServer(t, func(t *testing.T, s *apptest.Server) {
		conv, tok := s.StartConversation(t)
		path := "/api/v1/widget/conversations/" + conv + "/attachments"
		img := apptest.PNG(t)
		fields := map[string]string{"client_message_id": "up-1"}
		status, first := s.Upload(t, path, tok, "x.png", img, fields)
		if status != http.StatusCreated {
			t.Fatalf("upload: %d %s", status, first)
		}
		before := s.Snapshot(t, conv)
		status, again := s.Upload(t, path, tok, "x.png", img, fields)
		var a1, a2 apptest.Ack
		_ = json.Unmarshal(first, &a1)
		_ = json.Unmarshal(again, &a2)
		if status != http.StatusOK || !a2.Duplicate || a2.MessageID != a1.MessageID {
			t.Fatalf("retry: %d %s, want 200 duplicate of %s", status, again, first)
		}
		s.AssertNothingWritten(t, before, conv)
	})
}
