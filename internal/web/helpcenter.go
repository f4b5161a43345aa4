package web

import "github.com/huiying/huiying/internal/helpcenter"

// publicRoutes puts the help center's routes in the route table, open to
// anyone.
func publicRoutes(rs []helpcenter.Route) []Route {
	out := make([]Route, len(rs))
	for i, rt := range rs {
		out[i] = Route{Method: rt.Method, Path: rt.Path, Access: Public, Handler: rt.Handler}
	}
	return out
}
