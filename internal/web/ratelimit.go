package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/ratelimit"
	"github.com/huiying/huiying/internal/web/httpx"
)

// Rates limit what anonymous visitors may write: conversations started,
// messages sent and files uploaded. The zero Rate is off (tests and the
// intake benchmark); the server's flags give the defaults. Buckets are kept
// in memory on each node.
type Rates struct {
	ConversationsPerIP    ratelimit.Rate
	ConversationsPerInbox ratelimit.Rate
	MessagesPerContact    ratelimit.Rate
	MessagesPerIP         ratelimit.Rate
	MessagesPerInbox      ratelimit.Rate
	UploadsPerContact     ratelimit.Rate
	UploadsPerIP          ratelimit.Rate
	UploadsPerInbox       ratelimit.Rate
	// SignInsPerIP bounds sign-in requests, right or wrong, before any
	// database work: the attempt limits (internal/auth) count failures in
	// the database, so a flood of refused attempts would still cost a
	// write transaction each.
	SignInsPerIP ratelimit.Rate
}

// writeKind is what a limited route writes.
type writeKind int

const (
	limitConversations writeKind = iota
	limitMessages
	limitUploads
	limitSignIns
)

// writeLimits holds one limiter per rate; the checks of a kind run in
// order, the caller's own bucket (address, contact) before the shared one
// (inbox), so one noisy client is refused before it can drain the inbox's.
type writeLimits struct {
	checks map[writeKind][]limitCheck
}

type limitCheck struct {
	l   *ratelimit.Limiter
	key func(r *http.Request) string
	// en and zh say what was limited, for the error message.
	en, zh string
}

// convInbox returns the inbox of the request's conversation ({id}), or ""
// when it cannot be told (the handler then answers 404): messages and
// uploads are limited per inbox too, so many addresses together cannot
// flood one inbox.
func newWriteLimits(r Rates, now func() time.Time, convInbox func(r *http.Request) string) *writeLimits {
	mk := func(rate ratelimit.Rate) *ratelimit.Limiter { return ratelimit.New(rate, now, 0) }
	ip := func(r *http.Request) string { return ipKey(clientIP(r)) }
	contact := func(r *http.Request) string { return contactFrom(r) }
	inbox := func(r *http.Request) string { return r.PathValue("inbox_key") }
	return &writeLimits{checks: map[writeKind][]limitCheck{
		limitConversations: {
			{mk(r.ConversationsPerIP), ip, "conversations started from this address", "此网络地址发起的会话"},
			{mk(r.ConversationsPerInbox), inbox, "conversations started in this inbox", "此收件箱的新会话"},
		},
		limitMessages: {
			{mk(r.MessagesPerContact), contact, "messages sent", "发送的消息"},
			{mk(r.MessagesPerIP), ip, "messages sent from this address", "此网络地址发送的消息"},
			{mk(r.MessagesPerInbox), convInbox, "messages sent to this inbox", "此收件箱收到的消息"},
		},
		limitUploads: {
			{mk(r.UploadsPerContact), contact, "files uploaded", "上传的文件"},
			{mk(r.UploadsPerIP), ip, "files uploaded from this address", "此网络地址上传的文件"},
			{mk(r.UploadsPerInbox), convInbox, "files uploaded to this inbox", "此收件箱收到的文件"},
		},
		limitSignIns: {
			{mk(r.SignInsPerIP), ip, "sign-in attempts from this address", "此网络地址的登录尝试"},
		},
	}}
}

// allow takes a token from every bucket of the kind, or from none: when a
// later check refuses, the earlier ones get theirs back.
func (wl *writeLimits) allow(kind writeKind, r *http.Request) error {
	checks := wl.checks[kind]
	for i, c := range checks {
		if c.l.Rate().Off() {
			continue
		}
		key := c.key(r)
		if key == "" {
			continue
		}
		ok, wait := c.l.Allow(key)
		if ok {
			continue
		}
		for _, prev := range checks[:i] {
			if !prev.l.Rate().Off() {
				if key := prev.key(r); key != "" {
					prev.l.Undo(key)
				}
			}
		}
		secs := int((wait + time.Second - 1) / time.Second)
		msg := fmt.Sprintf("too many %s (limit %s); try again in %d s", c.en, c.l.Rate(), secs)
		if httpx.Lang(r) == "zh-CN" {
			msg = fmt.Sprintf("%s过于频繁（上限 %s），请 %d 秒后再试", c.zh, c.l.Rate(), secs)
		}
		return apperr.NewRetry(apperr.RateLimited, wait, "%s", msg)
	}
	return nil
}

// limited wraps a route's handler with the write limits of its kind; it
// runs after the guard, so the contact is known, and before the body is
// read.
func (s *Server) limited(kind writeKind, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.writeLimits.allow(kind, r); err != nil {
			// The body is not read: without this, net/http would read
			// what is left of it before answering, so a client trickling
			// its body would wait out the body timeout for its 429.
			if r.ContentLength != 0 {
				w.Header().Set("Connection", "close")
			}
			s.fail(w, r, err)
			return
		}
		h(w, r)
	}
}

// ipKey is the bucket key of a client address: IPv6 clients are keyed by
// their /64, which one subscriber usually holds whole.
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
