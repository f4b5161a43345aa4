package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// sender posts one user's messages to its conversation over its own
// keep-alive connection, writing HTTP/1.1 requests by hand from a prepared
// head. A load generator that shares the machine with the server must cost
// as little as it can, or it measures itself: net/http's client took about a
// quarter of all CPU in a run, this takes a fraction of that.
type sender struct {
	ctx    context.Context
	addr   string // host:port to dial
	tls    bool
	host   string
	head   []byte // request line and headers up to "Content-Length: "
	body   []byte
	req    []byte
	resp   []byte
	prefix []byte // `{"client_message_id":"bench-RUN-USER-`
	suffix []byte // ` from user USER"}`
	// questions are the JSON-quoted bodies to send instead of the
	// generated ones (Options.Questions); user is the user's number.
	questions [][]byte
	user      int

	conn net.Conn
	br   *bufio.Reader
}

// newSender returns the sender for user number user (from 1) of run runID,
// posting to conversation conv. ctx governs all its requests.
func newSender(ctx context.Context, base, runID string, user int, conv conversation, questions [][]byte) (*sender, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), map[bool]string{true: "443", false: "80"}[u.Scheme == "https"])
	}
	path := u.Path + "/api/v1/widget/conversations/" + url.PathEscape(conv.ID) + "/messages"
	us := strconv.Itoa(user)
	head := "POST " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer " + conv.Token +
		"\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
	return &sender{
		ctx: ctx, addr: addr, tls: u.Scheme == "https", host: u.Hostname(),
		head:      []byte(head),
		body:      make([]byte, 0, 128),
		req:       make([]byte, 0, len(head)+160),
		resp:      make([]byte, 0, 512),
		prefix:    []byte(`{"client_message_id":"bench-` + runID + "-" + us + "-"),
		suffix:    []byte(` from user ` + us + `"}`),
		questions: questions, user: user,
	}, nil
}

// build writes the request body of message number n (from 1) of the user.
// Its client_message_id is unique across users and runs.
func (s *sender) build(n int) {
	b := append(s.body[:0], s.prefix...)
	b = strconv.AppendInt(b, int64(n), 10)
	if len(s.questions) > 0 {
		b = append(b, `","body":`...)
		b = append(b, s.questions[(s.user*7+n)%len(s.questions)]...)
		s.body = append(b, '}')
		return
	}
	b = append(b, `","body":"bench message `...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, s.suffix...)
	s.body = b
}

// post sends the message last built and returns the seq the server assigned
// to it. Calling post again sends the same message (same client_message_id).
// After any error the connection is dropped and the next post dials anew.
func (s *sender) post() (int64, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if s.conn == nil {
		if err := s.dial(); err != nil {
			return 0, err
		}
	}
	r := append(s.req[:0], s.head...)
	r = strconv.AppendInt(r, int64(len(s.body)), 10)
	r = append(r, "\r\n\r\n"...)
	r = append(r, s.body...)
	s.req = r
	_ = s.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := s.conn.Write(r); err != nil {
		s.drop()
		return 0, err
	}
	status, err := s.readResponse()
	if err != nil {
		s.drop()
		return 0, err
	}
	if status != 201 && status != 200 {
		return 0, newAPIError(status, s.resp)
	}
	return parseAck(s.resp)
}

func (s *sender) dial() error {
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(s.ctx, "tcp", s.addr)
	if err != nil {
		return err
	}
	if s.tls {
		tc := tls.Client(c, &tls.Config{ServerName: s.host})
		if err := tc.HandshakeContext(s.ctx); err != nil {
			c.Close()
			return err
		}
		c = tc
	}
	s.conn, s.br = c, bufio.NewReaderSize(c, 4096)
	return nil
}

func (s *sender) drop() {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// close releases the connection.
func (s *sender) close() { s.drop() }

var errBadResponse = errors.New("bench: malformed HTTP response")

// readResponse reads one response into s.resp and returns its status. It
// understands what the server sends: Content-Length or chunked bodies.
func (s *sender) readResponse() (int, error) {
	line, err := s.br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, errBadResponse
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, errBadResponse
	}
	length, chunked, closeAfter := -1, false, false
	for {
		h, err := s.br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		k, v, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return 0, errBadResponse
		}
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(v)); err != nil || length < 0 || length > maxResponse {
				return 0, errBadResponse
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Connection")):
			closeAfter = bytes.EqualFold(v, []byte("close"))
		}
	}
	s.resp = s.resp[:0]
	switch {
	case chunked:
		err = s.readChunked()
	case length >= 0:
		s.resp = append(s.resp, make([]byte, length)...)
		_, err = io.ReadFull(s.br, s.resp)
	default:
		return 0, fmt.Errorf("bench: response without a length")
	}
	if err != nil {
		return 0, err
	}
	if closeAfter {
		s.drop()
	}
	return status, nil
}

func (s *sender) readChunked() error {
	for {
		line, err := s.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 32)
		if err != nil || size < 0 || int(size)+len(s.resp) > maxResponse {
			return errBadResponse
		}
		if size == 0 {
			_, err := s.br.ReadSlice('\n') // the empty trailer line
			return err
		}
		start := len(s.resp)
		s.resp = append(s.resp, make([]byte, size)...)
		if _, err := io.ReadFull(s.br, s.resp[start:]); err != nil {
			return err
		}
		if _, err := s.br.ReadSlice('\n'); err != nil {
			return err
		}
	}
}
