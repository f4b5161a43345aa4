// Package web is Huiying's HTTP edge: the route tables, the agent console
// and its JSON API, the agent WebSocket stream, health checks and the
// OpenAPI document. It mounts the surfaces that live in their own packages
// (the web-chat channel, the help center), authenticates and rate-limits
// their routes, and turns domain errors into responses and nothing else.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/canned"
	"github.com/huiying/huiying/internal/channel/webchat"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/helpcenter"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/realtime"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/walletctx"
	"github.com/huiying/huiying/internal/web/httpx"
	"github.com/huiying/huiying/internal/web/wsx"
)

// Limits bound what a client may send.
type Limits struct {
	MaxRequestBytes int64 // JSON request bodies
	MaxUploadBytes  int64 // one attachment
	// BodyReadTimeout is how long a request body may take to arrive
	// (DefaultBodyReadTimeout when 0), plus a second per 16 KiB of it.
	BodyReadTimeout time.Duration
	// Rates limit anonymous writes (conversation start, send, upload).
	Rates Rates

	// SocketsPerContact and SocketsPerIP cap the open /ws/contact sockets
	// of one contact and of one client address (5 and 50 when 0; see
	// internal/channel/webchat).
	SocketsPerContact int
	SocketsPerIP      int
}

// Deps is everything the HTTP edge talks to.
type Deps struct {
	Log           *slog.Logger
	Conversations *conversation.Store
	Intake        *intake.Service
	Auth          *auth.Service
	Canned        *canned.Store
	KB            *kb.Store
	// Bot is the FAQ bot (nil: its routes answer 404).
	Bot *bot.Service
	// Routing assigns conversations and keeps agents' presence (nil: its
	// routes answer 404).
	Routing       *routing.Router
	ContactTokens *auth.ContactTokens
	Hub           *realtime.Hub
	Attachments   attachment.Storage
	// Explorers are the block explorer URL templates the console links
	// wallet addresses and transaction hashes to (defaults when nil).
	Explorers walletctx.Explorers
	Limits    Limits
	// DB is the database, where the audit log is written (nil: no audit
	// log, as in tests that only look at the route table).
	DB      *store.DB
	Version string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; without them, the client is the
	// connection's peer.
	TrustedProxies []netip.Prefix
	// Now is the clock of the rate limits (time.Now when nil).
	Now func() time.Time
	// Ready reports whether the server can take traffic (database reachable).
	Ready func(ctx context.Context) error
}

// Server holds the handlers.
type Server struct {
	Deps
	log    *slog.Logger
	routes []Route
	static httpx.Assets
	help   *helpcenter.Center
	chat   *webchat.Channel
	// writeLimits are the per-node token buckets of Limits.Rates.
	writeLimits *writeLimits
	// convInboxes keys the per-inbox message and upload limits.
	convInboxes *inboxCache

	// shutdown is closed when the server begins to stop; WebSocket loops
	// end on it so http.Server.Shutdown can drain them.
	shutdown     chan struct{}
	shutdownOnce sync.Once
	streams      wsx.Streams

	// agentStreams are the open /ws/agent sockets, closed when their
	// access ends (AccessChanged).
	agentStreams agentStreams
}

// Route is one entry of the route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler http.HandlerFunc
}

// Access is who may call a route.
type Access int

// Access levels.
const (
	Public     Access = iota // anyone (health, OpenAPI, widget conversation start, console sign-in)
	Contact                  // a contact token
	Agent                    // any active agent
	Supervisor               // supervisors and admins
	Admin                    // admins
)

// New returns a Server.
func New(d Deps) *Server {
	if d.Limits.MaxRequestBytes <= 0 {
		d.Limits.MaxRequestBytes = 64 << 10
	}
	if d.Limits.MaxUploadBytes <= 0 {
		d.Limits.MaxUploadBytes = 10 << 20
	}
	if d.Limits.BodyReadTimeout <= 0 {
		d.Limits.BodyReadTimeout = DefaultBodyReadTimeout
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{Deps: d, log: d.Log, shutdown: make(chan struct{}), static: loadStatic()}
	s.convInboxes = newInboxCache(d.Conversations)
	s.writeLimits = newWriteLimits(d.Limits.Rates, d.Now, s.convInboxes.of)
	s.help = helpcenter.New(helpcenter.Deps{Log: d.Log, KB: d.KB, Fail: s.fail, ChatURL: s.helpChatURL})
	s.chat = s.newChat()
	s.routes = append(s.routeTable(), s.chatRoutes(s.chat.APIRoutes())...)
	s.routes = append(s.routes, publicRoutes(s.help.APIRoutes())...)
	return s
}

// Routes returns the API route table (each is in the OpenAPI document).
func (s *Server) Routes() []Route { return s.routes }

// Handler builds the mux.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Path, apiHeaders(s.guard(rt)))
	}
	for _, rt := range s.pageRoutes() {
		mux.Handle(rt.Method+" "+rt.Path, rt.Handler)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errBody("not_found", "no API route "+r.Method+" "+r.URL.Path+"; see /api/v1/openapi.json"))
	})
	return logRequests(s.log, s.edge(mux))
}

// BeginShutdown makes WebSocket streams close so connections can drain.
func (s *Server) BeginShutdown() {
	s.shutdownOnce.Do(func() { close(s.shutdown) })
}

// WaitStreams waits for WebSocket handlers to return.
func (s *Server) WaitStreams() { s.streams.Wait() }

func errBody(code, msg string) errorBody {
	var b errorBody
	b.Error.Code, b.Error.Message = code, msg
	return b
}

func (s *Server) routeTable() []Route {
	return []Route{
		{"GET", "/healthz", Public, s.healthz},
		{"GET", "/readyz", Public, s.readyz},
		{"GET", "/api/v1/openapi.json", Public, s.openapi},

		{"POST", "/api/v1/session", Public, s.limited(limitSignIns, s.login)},
		{"GET", "/api/v1/session", Public, s.getSession},
		{"DELETE", "/api/v1/session", Public, s.logout},

		{"GET", "/api/v1/me", Agent, s.me},
		{"PATCH", "/api/v1/me", Agent, s.patchMe},
		{"PUT", "/api/v1/me/avatar", Agent, s.putAvatar},
		{"DELETE", "/api/v1/me/avatar", Agent, s.deleteAvatar},
		{"GET", "/api/v1/agents/{id}/avatar", Agent, s.getAvatar},
		{"POST", "/api/v1/me/password", Agent, s.changePassword},
		{"GET", "/api/v1/conversations", Agent, s.listConversations},
		{"GET", "/api/v1/conversations/counts", Agent, s.countConversations},
		{"GET", "/api/v1/conversations/{id}", Agent, s.getConversation},
		{"PATCH", "/api/v1/conversations/{id}", Agent, s.patchConversation},
		{"GET", "/api/v1/conversations/{id}/messages", Agent, s.agentMessages},
		{"POST", "/api/v1/conversations/{id}/messages", Agent, s.agentSend},
		{"POST", "/api/v1/conversations/{id}/attachments", Agent, s.agentUpload},
		{"GET", "/api/v1/conversations/{id}/attachments/{attachment_id}", Agent, s.agentAttachment},
		{"POST", "/api/v1/conversations/{id}/typing", Agent, s.agentTyping},
		{"GET", "/api/v1/contacts/{id}", Agent, s.getContact},
		{"PATCH", "/api/v1/contacts/{id}", Agent, s.patchContact},
		{"GET", "/api/v1/inboxes", Agent, s.listInboxes},
		{"POST", "/api/v1/inboxes", Admin, s.createInbox},
		{"PATCH", "/api/v1/inboxes/{id}", Admin, s.patchInbox},
		{"POST", "/api/v1/inboxes/{id}/secret/reveal", Admin, s.revealInboxSecret},
		{"POST", "/api/v1/inboxes/{id}/secret/rotate", Admin, s.rotateInboxSecret},
		{"GET", "/api/v1/setup", Admin, s.getSetup},
		{"PATCH", "/api/v1/setup", Admin, s.patchSetup},
		{"GET", "/api/v1/conversations/{id}/bot-decisions", Agent, s.listBotDecisions},
		{"GET", "/api/v1/conversations/{id}/visitor", Agent, s.getVisitor},
		{"GET", "/api/v1/bot/unanswered", Supervisor, s.listUnanswered},
		{"GET", "/api/v1/agents", Agent, s.listAgents},
		{"POST", "/api/v1/agents", Admin, s.createAgent},
		{"PATCH", "/api/v1/agents/{id}", Admin, s.patchAgent},
		{"GET", "/api/v1/tokens", Agent, s.listTokens},
		{"DELETE", "/api/v1/tokens/{id}", Agent, s.revokeToken},
		{"GET", "/api/v1/teams", Agent, s.listTeams},
		{"POST", "/api/v1/teams", Admin, s.createTeam},
		{"PATCH", "/api/v1/teams/{id}", Admin, s.patchTeam},
		{"GET", "/api/v1/routing/queues", Supervisor, s.listQueues},
		{"GET", "/api/v1/me/presence", Agent, s.getPresence},
		{"PUT", "/api/v1/me/presence", Agent, s.putPresence},
		{"POST", "/api/v1/teams/{id}/members", Admin, s.addTeamMember},
		{"DELETE", "/api/v1/teams/{id}/members/{agent_id}", Admin, s.removeTeamMember},
		{"GET", "/api/v1/canned_replies", Agent, s.listCanned},
		{"POST", "/api/v1/canned_replies", Agent, s.createCanned},
		{"PATCH", "/api/v1/canned_replies/{id}", Agent, s.patchCanned},
		{"DELETE", "/api/v1/canned_replies/{id}", Agent, s.deleteCanned},
		{"GET", "/api/v1/kb/articles", Agent, s.listArticles},
		{"GET", "/api/v1/kb/articles/{locale}/{id}", Agent, s.getArticle},
		{"PUT", "/api/v1/kb/articles/{locale}/{id}", Supervisor, s.putArticle},
		{"DELETE", "/api/v1/kb/articles/{locale}/{id}", Supervisor, s.deleteArticle},
		{"GET", "/ws/agent", Agent, s.wsAgent},

		{"GET", "/api/v1/config/explorers", Agent, s.getExplorers},
		{"GET", "/api/v1/public/official-channels", Public, s.getOfficialChannels},
		{"PUT", "/api/v1/official-channels", Admin, s.putOfficialChannels},
		{"GET", "/api/v1/contacts/{id}/export", Admin, s.exportContact},
		{"DELETE", "/api/v1/contacts/{id}", Admin, s.deleteContact},
		{"POST", "/api/v1/me/totp", Agent, s.beginTOTP},
		{"POST", "/api/v1/me/totp/confirm", Agent, s.confirmTOTP},
		{"DELETE", "/api/v1/me/totp", Agent, s.disableTOTP},
		{"GET", "/api/v1/audit", Admin, s.listAudit},
		{"GET", "/api/v1/audit/export", Admin, s.exportAudit},
	}
}
