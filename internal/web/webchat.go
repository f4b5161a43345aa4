package web

import (
	"github.com/huiying/huiying/internal/channel/webchat"
	"github.com/huiying/huiying/internal/web/upload"
)

// newChat builds the web-chat channel on the server's dependencies; its
// sockets end on the server's shutdown and are counted with the agents'.
func (s *Server) newChat() *webchat.Channel {
	d := webchat.Deps{
		Log: s.log, Conversations: s.Conversations, Intake: s.Intake, Hub: s.Hub,
		Files:             upload.Files{Conversations: s.Conversations, Storage: s.Attachments, MaxBytes: s.Limits.MaxUploadBytes},
		MaxRequestBytes:   s.Limits.MaxRequestBytes,
		SocketsPerContact: s.Limits.SocketsPerContact, SocketsPerIP: s.Limits.SocketsPerIP,
		Shutdown: s.shutdown, Streams: &s.streams, Now: s.Now, Fail: s.fail,
	}
	// Nil services stay nil interfaces: the channel answers 404 without a
	// bot, and tests that only look at the route table run without a
	// database or tokens.
	if s.Bot != nil {
		d.Bot = s.Bot
	}
	if s.ContactTokens != nil {
		d.Tokens = s.ContactTokens
	}
	if s.Routing != nil {
		d.Queue = s.Routing
	}
	return webchat.New(d)
}

// chatRoutes puts the channel's routes in the route table: contact routes
// are authenticated by the guard, and writes get their limits.
func (s *Server) chatRoutes(rs []webchat.Route) []Route {
	out := make([]Route, len(rs))
	for i, rt := range rs {
		access := Public
		if rt.Access == webchat.Contact {
			access = Contact
		}
		h := rt.Handler
		switch rt.Limit {
		case webchat.LimitConversations:
			h = s.limited(limitConversations, h)
		case webchat.LimitMessages:
			h = s.limited(limitMessages, h)
		case webchat.LimitUploads:
			h = s.limited(limitUploads, h)
		}
		out[i] = Route{Method: rt.Method, Path: rt.Path, Access: access, Handler: h}
	}
	return out
}
