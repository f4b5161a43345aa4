package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
)

// reqBody is a reusable request body.
//
// The transport closes a request body, possibly from another goroutine after
// Do has returned, and may hand out copies made by GetBody when it retries a
// request on a fresh connection. A reqBody and its buffer are therefore
// reused only once the body has been closed and no copy was ever made;
// otherwise the sender switches to a fresh one.
type reqBody struct {
	buf     []byte
	off     int
	closed  atomic.Bool
	lent    atomic.Bool
	getBody func() (io.ReadCloser, error)
}

func newReqBody(capacity int) *reqBody {
	b := &reqBody{buf: make([]byte, 0, capacity)}
	b.closed.Store(true) // not in use by any request
	b.getBody = b.lend
	return b
}

func (b *reqBody) Read(p []byte) (int, error) {
	if b.off >= len(b.buf) {
		return 0, io.EOF
	}
	n := copy(p, b.buf[b.off:])
	b.off += n
	return n, nil
}

func (b *reqBody) Close() error {
	b.closed.Store(true)
	return nil
}

// lend is the request's GetBody: an independent reader over the same bytes.
func (b *reqBody) lend() (io.ReadCloser, error) {
	b.lent.Store(true)
	return io.NopCloser(bytes.NewReader(b.buf)), nil
}

// reusable reports whether no request holds on to b or its buffer any more.
func (b *reqBody) reusable() bool {
	return b.closed.Load() && !b.lent.Load()
}

// sender posts one user's messages to its conversation, reusing its request
// template and its body and response buffers from message to message.
type sender struct {
	hc     *http.Client
	tmpl   *http.Request // POST …/messages with headers; no body
	body   *reqBody
	resp   []byte
	prefix []byte // `{"client_message_id":"bench-RUN-USER-`
	suffix []byte // ` from user USER"}`
}

// newSender returns the sender for user number user (from 1) of run runID,
// posting to conversation conv. ctx governs all its requests.
func newSender(ctx context.Context, hc *http.Client, base, runID string, user int, conv conversation) (*sender, error) {
	u := base + "/api/v1/widget/conversations/" + url.PathEscape(conv.ID) + "/messages"
	tmpl, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return nil, err
	}
	tmpl.Header.Set("Authorization", "Bearer "+conv.Token)
	tmpl.Header.Set("Content-Type", "application/json")
	tmpl.Header.Set("Accept", "application/json")
	us := strconv.Itoa(user)
	return &sender{
		hc:     hc,
		tmpl:   tmpl,
		body:   newReqBody(128),
		resp:   make([]byte, 0, 512),
		prefix: []byte(`{"client_message_id":"bench-` + runID + "-" + us + "-"),
		suffix: []byte(` from user ` + us + `"}`),
	}, nil
}

// build writes the request body of message number n (from 1) of the user.
// Its client_message_id is unique across users and runs.
func (s *sender) build(n int) {
	if !s.body.reusable() {
		s.body = newReqBody(cap(s.body.buf))
	}
	b := append(s.body.buf[:0], s.prefix...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `","body":"bench message `...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, s.suffix...)
	s.body.buf = b
}

// post sends the message last built and returns the seq the server assigned
// to it. Calling post again sends the same message (same client_message_id).
func (s *sender) post() (int64, error) {
	b := s.body
	if !b.reusable() {
		nb := newReqBody(cap(b.buf))
		nb.buf = append(nb.buf, b.buf...)
		s.body, b = nb, nb
	}
	b.off = 0
	b.closed.Store(false)

	req := new(http.Request)
	*req = *s.tmpl
	req.Body = b
	req.GetBody = b.getBody
	req.ContentLength = int64(len(b.buf))

	resp, err := s.hc.Do(req)
	if err != nil {
		return 0, err
	}
	s.resp, err = readBody(s.resp, resp.Body, maxResponse)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return 0, newAPIError(resp.StatusCode, s.resp)
	}
	return parseAck(s.resp)
}
