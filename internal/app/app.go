// Package app wires Huiying together: configuration → database → bus →
// services → HTTP server, and runs it until asked to stop, then stops it
// gracefully in the reverse order.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/canned"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/llm"
	"github.com/huiying/huiying/internal/matcher"
	"github.com/huiying/huiying/internal/realtime"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/web"
)

// Version is set at build time with -ldflags "-X …/app.Version=…".
var Version = "0.1.0-dev"

// App is a running Huiying node.
type App struct {
	cfg   config.Config
	log   *slog.Logger
	out   io.Writer
	DB    *store.DB
	Convs *conversation.Store
	Auth  *auth.Service
	// KB is the knowledge base (help-center articles).
	KB *kb.Store
	// Bot is the FAQ bot that answers first in inboxes with the bot on.
	Bot  *bot.Service
	disp *bus.Dispatcher
	hub  *realtime.Hub
	in   *intake.Service
	web  *web.Server
	// Retention is the background purge of old closed conversations
	// (--retention-days) and audit log entries (--audit-retention-days);
	// Serve runs it hourly.
	Retention Retention
	// Snoozer reopens snoozed conversations at snoozed_until; Serve runs it.
	Snoozer *conversation.Snoozer
	// Router assigns waiting conversations to agents; Serve runs its stage.
	Router *routing.Router
}

// Open opens the database, applies migrations and builds the services.
// Messages for the operator (first-run credentials) go to out.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) (*App, error) {
	// The data folder holds the database and every attachment.
	if err := store.PrivateDir(cfg.DataDir); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL())
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &App{cfg: cfg, log: log, out: out, DB: db,
		Convs: conversation.NewStore(db, time.Now), Auth: auth.NewService(db, time.Now),
		KB: kb.NewStore(db, time.Now)}
	secret, err := db.SettingOrInit(ctx, "contact_token_secret", func() string { return rand.Text() + rand.Text() })
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Convs.KeepUnassignedOnReply(cfg.KeepUnassignedOnReply)
	if err := a.Convs.Prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.hub = realtime.NewHub(512)
	a.disp = bus.NewDispatcher(db, log, 500*time.Millisecond)
	if err := a.disp.Subscribe(ctx, "realtime", false, a.hub.Handle); err != nil {
		db.Close()
		return nil, err
	}
	// One after-commit hook, for every writer: the dispatcher publishes
	// what a transaction wrote as soon as it commits.
	db.AfterCommit(a.disp.Notify)
	decisions := bot.NewDecisionStore(db)
	if err := decisions.Prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	sg, err := intake.NewSecretGuard()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load the secret guard: %w", err)
	}
	a.in = intake.New(a.Convs, sg, log, intake.Options{})
	// The bot's decisions and answers share intake's group commits, and
	// the bot yields to intake when it is saturated.
	botOpts := bot.Options{Writer: a.in, Pressure: a.in, BaseURL: cfg.PublicURL, Thresholds: bot.Thresholds{Answer: cfg.BotAnswer, Suggest: cfg.BotSuggest},
		AnswerRate: cfg.Rates.BotAnswersPerConversation, Matcher: matcher.DefaultOptions()}
	if cfg.LLMURL != "" {
		botOpts.Phraser = bot.LLM{Client: llm.New(llm.Config{URL: cfg.LLMURL, Model: cfg.LLMModel, APIKey: cfg.LLMAPIKey})}
	}
	a.Router = routing.New(routing.NewStore(db, time.Now), a.Convs, a.in, a.hub, agentCards{a.Auth},
		routing.Options{HandoffAttr: bot.AttrHandoff, Grace: cfg.PresenceGrace, Log: log})
	a.Bot = bot.New(a.Convs, decisions, a.Router, a.KB, log, botOpts)
	if err := a.disp.Subscribe(ctx, "faqbot", true, a.Bot.Handle); err != nil {
		a.in.Close()
		db.Close()
		return nil, err
	}
	if err := a.disp.Subscribe(ctx, "routing", true, a.Router.Handle); err != nil {
		a.in.Close()
		db.Close()
		return nil, err
	}
	files := attachment.Dir{Root: filepath.Join(cfg.DataDir, "attachments")}
	a.Snoozer = conversation.NewSnoozer(a.Convs, log, conversation.SnoozerOptions{})
	a.Retention = Retention{Convs: a.Convs, Files: files, Days: cfg.RetentionDays,
		DB: db, AuditDays: cfg.AuditRetentionDays, Now: time.Now, Log: log}
	a.web = web.New(web.Deps{
		Log: log, Conversations: a.Convs, Intake: a.in, Auth: a.Auth, Canned: canned.NewStore(db, time.Now),
		KB: a.KB, Bot: a.Bot, Routing: a.Router,
		ContactTokens: auth.NewContactTokens([]byte(secret)), Hub: a.hub,
		Attachments: files, Explorers: cfg.Explorers, TrustedProxies: cfg.TrustedProxies,
		Limits: web.Limits{MaxRequestBytes: cfg.MaxRequestBytes, MaxUploadBytes: cfg.MaxUploadBytes, SocketsPerIP: cfg.ChatSocketsPerIP,
			BodyReadTimeout: cfg.BodyReadTimeout, Rates: webRates(cfg.Rates)},
		Version: Version, Ready: db.Ping,
		DB: db,
	})
	// Open agent WebSockets close when a session ends, a token is
	// revoked, or the agent is deactivated or changes role or password.
	a.Auth.OnAccessChanged(a.web.AccessChanged)
	return a, nil
}

// webRates are the limits on anonymous writes the HTTP edge applies.
func webRates(r config.Rates) web.Rates {
	return web.Rates{
		ConversationsPerIP: r.ConversationsPerIP, ConversationsPerInbox: r.ConversationsPerInbox,
		MessagesPerContact: r.MessagesPerContact, MessagesPerIP: r.MessagesPerIP,
		UploadsPerContact: r.UploadsPerContact, UploadsPerIP: r.UploadsPerIP,
		MessagesPerInbox: r.MessagesPerInbox, UploadsPerInbox: r.UploadsPerInbox,
		SignInsPerIP: r.SignInsPerIP,
	}
}

// Close releases what Open acquired, for commands that do not Serve.
func (a *App) Close() error {
	a.in.Close()
	a.Bot.Close()
	return a.DB.Close()
}

// Handler is the HTTP handler (for tests that serve it themselves).
func (a *App) Handler() http.Handler { return a.web.Handler() }

// Serve listens on the configured address and serves until ctx is done,
// then drains: WebSockets are told to reconnect, in-flight requests finish,
// queued messages are committed, and the database is closed.
func (a *App) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		a.Close()
		return fmt.Errorf("listen on %s: %w (is another server using it? choose another with --addr)", a.cfg.Addr, err)
	}
	return a.ServeOn(ctx, ln)
}

// ServeOn is Serve on a listener the caller opened.
func (a *App) ServeOn(ctx context.Context, ln net.Listener) error {
	var err error
	url := a.cfg.PublicURL
	if url == "" {
		url = "http://" + ln.Addr().String()
	}
	fmt.Fprintf(a.out, "Huiying %s is listening on %s\n  agent console: %s/\n", Version, url, url)
	if ins, err := a.Convs.Inboxes(ctx); err == nil {
		for _, in := range ins {
			if in.Channel == conversation.ChannelWebChat {
				fmt.Fprintf(a.out, "  chat page (%s): %s/chat/%s\n", in.Name, url, in.PublicKey)
			}
		}
	}
	fmt.Fprintf(a.out, "  help center: %s/help\n", url)
	fmt.Fprintf(a.out, "  database: %s\n", a.DB.Dialect)
	a.log.Info("listening", "addr", ln.Addr().String(), "db", a.DB.Dialect)

	dctx, stopDispatch := context.WithCancel(context.Background())
	if a.cfg.PublicURL == "" {
		a.Bot.SetBaseURL(url)
	}
	// Every goroutine started here is owned and joined below: the bot's
	// by Bot.Close, the others by their done channels.
	a.Bot.WarmInBackground()
	dispDone := make(chan struct{})
	go func() { a.disp.Run(dctx); close(dispDone) }()
	retentionDone := make(chan struct{})
	go func() { a.Retention.Run(dctx, time.Hour); close(retentionDone) }()
	snoozerDone := make(chan struct{})
	go func() { a.Snoozer.Run(dctx); close(snoozerDone) }()
	routingDone := make(chan struct{})
	go func() { a.Router.Run(dctx); close(routingDone) }()
	// New messages reach SQLite's search index in batches after their
	// commit (searches read the few not indexed yet directly).
	searchDone := make(chan struct{})
	go func() { a.Convs.RunSearchIndexer(dctx, 250*time.Millisecond, a.log); close(searchDone) }()

	srv := &http.Server{Handler: a.web.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		stopDispatch()
		<-dispDone
		<-retentionDone
		<-snoozerDone
		<-routingDone
		<-searchDone
		a.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	a.web.BeginShutdown()
	err = srv.Shutdown(sctx)
	<-serveErr // Serve returns once Shutdown has closed the listener
	a.web.WaitStreams()
	a.in.Close()
	// Stopping the dispatcher hands live subscribers (WebSockets) every
	// event committed so far before it returns; durable ones resume from
	// their cursors at the next start.
	stopDispatch()
	<-dispDone
	<-retentionDone
	<-snoozerDone
	<-routingDone
	<-searchDone
	a.Bot.Close()
	a.hub.Close()
	if cerr := a.DB.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.log.Info("stopped")
	return nil
}
