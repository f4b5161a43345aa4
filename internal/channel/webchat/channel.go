// Package webchat is the web-chat channel: the chat page and the
// embeddable widget script (static/chat), the widget's JSON API (start a
// conversation, send, read, upload, download, bot feedback) and the
// contact's WebSocket /ws/contact with its typing frames. A visitor's
// message goes from here to intake (internal/intake), which stores and
// acknowledges it; what agents and the bot answer comes back through the
// realtime hub to the contact's socket.
//
// The channel exposes its routes; internal/web puts them in the route
// table, authenticates contact routes (the contact is then found with
// httpx.ContactFrom) and applies the write limits each route names.
package webchat

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"time"

	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/realtime"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/web/httpx"
	"github.com/huiying/huiying/internal/web/upload"
	"github.com/huiying/huiying/internal/web/wsx"
)

// static holds the chat page, its ES modules and the widget script: plain
// HTML, CSS and JavaScript, no build step, embedded in the binary.
//
//go:embed static
var staticFS embed.FS

// Conversations is what the channel reads and writes in the conversation
// store (messages themselves are written through Intake).
type Conversations interface {
	InboxByKey(ctx context.Context, key string) (conversation.Inbox, error)
	Start(ctx context.Context, inbox conversation.Inbox, n conversation.NewContact) (conversation.Conversation, conversation.Contact, error)
	Conversation(ctx context.Context, id string) (conversation.Conversation, error)
	Messages(ctx context.Context, conversationID string, after int64, limit int, withNotes bool) ([]conversation.Message, error)
	SetContactName(ctx context.Context, contactID, name string) (conversation.Contact, error)
	Visitor(ctx context.Context, conversationID string) (conversation.VisitorInfo, error)
	SetVisitor(ctx context.Context, conversationID string, ch conversation.VisitorContext) (conversation.VisitorInfo, error)
}

// Intake takes a contact's message: it is guarded, stored and acknowledged
// there.
type Intake interface {
	Submit(ctx context.Context, in intake.Inbound) (intake.Ack, error)
}

// Bot takes a contact's click on a bot answer's buttons.
type Bot interface {
	Feedback(ctx context.Context, r bot.FeedbackRequest) error
}

// Tokens issues and checks contact tokens.
// Queue is where a conversation stands in routing's queue.
type Queue interface {
	Place(ctx context.Context, conversationID string) (routing.Place, error)
}

type Tokens interface {
	Issue(contactID string) string
	Verify(tok string) (string, error)
}

// Default caps on open /ws/contact sockets (Deps). A chat needs one socket
// per open tab; the caps keep one client from holding thousands of
// connections (each a goroutine, buffers and a hub listener).
const (
	DefaultSocketsPerContact = 5
	DefaultSocketsPerIP      = 50
)

// Deps is what the channel needs.
type Deps struct {
	Log           *slog.Logger
	Conversations Conversations
	Intake        Intake
	// Bot is the FAQ bot (nil: bot feedback answers 404).
	Bot Bot
	// Queue tells a waiting visitor their place (nil: the queue route
	// answers 404).
	Queue  Queue
	Tokens Tokens
	// Hub delivers stored events and ephemeral frames (typing) to the
	// contact's sockets.
	Hub *realtime.Hub
	// Files receives and serves the contact's attachments.
	Files upload.Files
	// MaxRequestBytes bounds a JSON request body.
	MaxRequestBytes int64
	// SocketsPerContact and SocketsPerIP cap the open /ws/contact sockets
	// of one contact and of one client address (the defaults when 0).
	SocketsPerContact int
	SocketsPerIP      int
	// Shutdown is closed when the server begins to stop; sockets end on
	// it. Streams counts them, for shutdown to wait.
	Shutdown <-chan struct{}
	Streams  *wsx.Streams
	// Now is the clock of the typing frames' pace (time.Now when nil).
	Now func() time.Time
	// Fail writes an error in the one error shape of the HTTP edge
	// (apperr codes mapped to statuses, internal errors logged once).
	Fail func(w http.ResponseWriter, r *http.Request, err error)
}

// Channel serves the web chat.
type Channel struct {
	Deps
	assets  httpx.Assets
	sockets socketCounts
}

// New returns a Channel.
func New(d Deps) *Channel {
	if d.SocketsPerContact <= 0 {
		d.SocketsPerContact = DefaultSocketsPerContact
	}
	if d.SocketsPerIP <= 0 {
		d.SocketsPerIP = DefaultSocketsPerIP
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Streams == nil {
		d.Streams = &wsx.Streams{}
	}
	return &Channel{Deps: d, assets: Assets()}
}

// Assets are the channel's embedded files, named "chat/…".
func Assets() httpx.Assets { return httpx.LoadAssets(staticFS, "static") }

// Access is who may call a route.
type Access int

// Access levels.
const (
	Public  Access = iota // anyone
	Contact               // a contact token (/ws/contact may send it in its first frame instead)
)

// Limit is the write limit a route is subject to.
type Limit int

// Write limits, applied by the route table before the handler runs.
const (
	NoLimit            Limit = iota
	LimitConversations       // conversations started
	LimitMessages            // messages sent
	LimitUploads             // files uploaded
)

// Route is one of the channel's routes.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Limit   Limit
	Handler http.HandlerFunc
}

// APIRoutes are the widget's JSON API and the contact's WebSocket; each
// is in the OpenAPI document.
func (c *Channel) APIRoutes() []Route {
	return []Route{
		{"POST", "/api/v1/widget/{inbox_key}/conversations", Public, LimitConversations, c.start},
		{"POST", "/api/v1/widget/conversations/{id}/messages", Contact, LimitMessages, c.send},
		{"GET", "/api/v1/widget/conversations/{id}/messages", Contact, NoLimit, c.messages},
		{"POST", "/api/v1/widget/conversations/{id}/attachments", Contact, LimitUploads, c.upload},
		{"GET", "/api/v1/widget/conversations/{id}/attachments/{attachment_id}", Contact, NoLimit, c.attachment},
		{"GET", "/ws/contact", Contact, NoLimit, c.socket},
		{"POST", "/api/v1/widget/conversations/{id}/bot-feedback", Contact, NoLimit, c.botFeedback},
		{"PATCH", "/api/v1/widget/conversations/{id}", Contact, LimitMessages, c.patchVisitor},
		{"GET", "/api/v1/widget/conversations/{id}/queue", Contact, NoLimit, c.queue},
	}
}

// PageRoutes are the chat page, the widget script and the chat's assets;
// all are public.
func (c *Channel) PageRoutes() []Route {
	return []Route{
		{"GET", "/widget.js", Public, NoLimit, c.widgetScript},
		{"GET", "/chat/{inbox_key}", Public, NoLimit, c.chatPage},
		{"GET", "/static/chat/{path...}", Public, NoLimit, c.asset},
	}
}

// The chat page and its assets are framed by the widget on any site.

func (c *Channel) chatPage(w http.ResponseWriter, r *http.Request) {
	c.assets.Serve(w, r, "chat/chat.html", true)
}

func (c *Channel) widgetScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	c.assets.Serve(w, r, "chat/widget.js", true)
}

func (c *Channel) asset(w http.ResponseWriter, r *http.Request) {
	c.assets.Serve(w, r, "chat/"+r.PathValue("path"), true)
}
