package web

import (
	"context"
	"net/url"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/helpcenter"
)

// publicRoutes puts the help center's routes in the route table, open to
// anyone.
func publicRoutes(rs []helpcenter.Route) []Route {
	out := make([]Route, len(rs))
	for i, rt := range rs {
		out[i] = Route{Method: rt.Method, Path: rt.Path, Access: Public, Handler: rt.Handler}
	}
	return out
}

// helpChatURL is where the help center's "Still need help?" sends a
// reader: the chat page of the oldest web-chat inbox (the one the first
// start creates), or "" when there is none.
func (s *Server) helpChatURL(ctx context.Context) (string, error) {
	ins, err := s.Conversations.Inboxes(ctx)
	if err != nil {
		return "", err
	}
	for _, in := range ins {
		if in.Channel == conversation.ChannelWebChat {
			return "/chat/" + url.PathEscape(in.PublicKey), nil
		}
	}
	return "", nil
}
