// Package bot is the bot that answers first: on each new message from a
// contact in an inbox with the bot on, it answers from the knowledge base
// when the matcher is confident, offers up to three suggestions when it is
// unsure, and hands the conversation to a person on request, after two
// unhelpful answers, or at once (high priority) for stolen funds and account
// security. It stays quiet while a person has the conversation, and records
// every decision.
package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/kb"
	"github.com/huiying/huiying/internal/matcher"
	"github.com/huiying/huiying/internal/ratelimit"
)

// Thresholds turn the matcher's calibrated confidence into an action.
type Thresholds struct {
	// Answer is the confidence at or above which the bot answers with the
	// top article.
	Answer float64
	// Suggest is the lowest confidence of an article offered as a
	// suggestion; below it for every article, the bot asks to rephrase.
	Suggest float64
}

// DefaultThresholds were chosen on the demo knowledge base (docs/bot.md);
// they are the defaults of --bot-answer-threshold and --bot-suggest-threshold.
var DefaultThresholds = Thresholds{Answer: 0.6, Suggest: 0.12}

// Phraser words an answer from the top articles (an LLM); optional.
type Phraser interface {
	Phrase(ctx context.Context, question, locale string, articles []kb.Article, urls []string) (text string, cited []string, err error)
}

// Options configure the bot.
type Options struct {
	// BaseURL is the public URL that article links start with ("" gives
	// relative links).
	BaseURL    string
	Thresholds Thresholds
	// Phraser, when set, phrases confident answers from the top articles.
	Phraser Phraser
	// Workers is how many conversations are handled at once (default 8);
	// with intake as the Writer their decisions share its group commits.
	Workers int
	// MatchWorkers is how many questions are matched at once (default: one
	// fewer than the cores Go uses, at least one), so that the bot's
	// heaviest work never takes every core from intake and delivery.
	MatchWorkers int
	// AnswerRate bounds the bot's answers per conversation (the zero Rate
	// is off); Now is its clock (time.Now when nil).
	AnswerRate ratelimit.Rate
	Now        func() time.Time
	// Matcher is the FAQ matcher's settings (zero fields: its defaults).
	Matcher matcher.Options
	// Writer records the decisions (default: the conversations' Write).
	Writer Writer
	// Pressure, when set, makes the bot yield to intake: while more than
	// YieldAbove (default 12) messages are being taken in, it starts no
	// conversation's decisions, for at most maxYield at a time, and then
	// handles one conversation at a time.
	Pressure   Pressure
	YieldAbove int
}

// maxYield bounds how long the bot waits for intake at a time: under a
// surge that never lets up, it still answers, more slowly.
const maxYield = 100 * time.Millisecond

// yieldPoll is how often a yielding bot looks at intake again.
const yieldPoll = 2 * time.Millisecond

// Attribute keys the bot keeps on conversations (agents see them).
const (
	AttrHandoff   = "bot.handoff"   // the hand-off reason once handed to a person
	AttrUnhelpful = "bot.unhelpful" // unhelpful answers so far
)

// Service is the live bot.
type Service struct {
	convs     Conversations
	decisions *DecisionStore
	router    Router
	log       *slog.Logger
	opts      Options
	models    *models
	// answers counts the bot's answers per conversation (AnswerRate).
	answers *ratelimit.Limiter
	// bg owns the goroutines that outlive a call; Close joins them.
	bg *background
	// cpu holds a slot per question being matched (MatchWorkers).
	cpu chan struct{}
}

// New returns the bot over the conversations, its decision log, the router
// that places hand-offs in the queue, and the knowledge base.
func New(convs Conversations, decisions *DecisionStore, router Router, articles *kb.Store, log *slog.Logger, opts Options) *Service {
	if opts.Thresholds.Answer <= 0 {
		opts.Thresholds.Answer = DefaultThresholds.Answer
	}
	if opts.Thresholds.Suggest <= 0 {
		opts.Thresholds.Suggest = DefaultThresholds.Suggest
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.YieldAbove <= 0 {
		opts.YieldAbove = 12
	}
	if opts.Writer == nil {
		opts.Writer = convs
	}
	if opts.MatchWorkers <= 0 {
		opts.MatchWorkers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	s := &Service{convs: convs, decisions: decisions, router: router, log: log, opts: opts, answers: answerLimiter(opts),
		bg: newBackground(), cpu: make(chan struct{}, opts.MatchWorkers)}
	s.models = &models{kb: articles, matcher: opts.Matcher, trained: func(v kb.Version, n, ex int, took time.Duration) {
		log.Info("bot model trained", "kb_version", v.String(), "articles", n, "examples", ex, "took", took.Round(time.Millisecond))
	}, failed: func(err error) {
		log.Warn("bot model not retrained; answering with the previous one", "err", err)
	}, spawn: s.bg.start}
	return s
}

// Warm trains the model for the current knowledge base, so the first
// visitor does not wait for it. With the bot off in every inbox it does
// nothing: the model is trained when an inbox turns the bot on and a
// question comes.
func (s *Service) Warm(ctx context.Context) error {
	inboxes, err := s.convs.Inboxes(ctx)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	if !slices.ContainsFunc(inboxes, func(in conversation.Inbox) bool { return in.BotEnabled }) {
		return nil
	}
	_, err = s.models.get(ctx)
	return err
}

// WarmInBackground starts Warm and returns at once: an inbox has just
// turned the bot on, and its first visitor should not wait for the
// training (seconds for the demo knowledge base).
func (s *Service) WarmInBackground() {
	s.bg.start(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		if err := s.Warm(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("bot model not trained in the background; it will be on the first question", "err", err)
		}
	})
}

// Handle is the bot's durable bus subscriber: it decides on every new
// contact message, and scrubs its copies of messages redacted later
// (redact.go). Conversations are handled in parallel, each one's
// messages in order; a redelivered event is recognised by the decision log
// and does nothing.
func (s *Service) Handle(ctx context.Context, events []bus.Event) error {
	if err := s.scrubRedacted(ctx, events); err != nil {
		return err
	}
	byConv := map[string][]conversation.MessageEvent{}
	var order []string
	botOn := map[string]bool{} // inbox id → bot on, read once per batch
	for _, ev := range events {
		if ev.Type != bus.MessageCreated {
			continue
		}
		on, seen := botOn[ev.InboxID]
		if !seen {
			in, err := s.convs.InboxByID(ctx, ev.InboxID)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return fmt.Errorf("bot: %w", err)
			}
			on = err == nil && in.BotEnabled
			botOn[ev.InboxID] = on
		}
		if !on {
			continue
		}
		if !conversation.MaybeFromContact(ev.Payload) {
			continue // the bot's own answers, agents' replies: nothing to decide
		}
		var me conversation.MessageEvent
		if err := json.Unmarshal(ev.Payload, &me); err != nil {
			s.log.Error("bot: bad message event", "event", ev.ID, "err", err)
			continue
		}
		if me.Message.Direction != conversation.Inbound || me.Message.AuthorType != conversation.AuthorContact {
			continue
		}
		if _, ok := byConv[ev.ConversationID]; !ok {
			order = append(order, ev.ConversationID)
		}
		byConv[ev.ConversationID] = append(byConv[ev.ConversationID], me)
	}
	if len(order) == 0 {
		return nil
	}
	mdl, err := s.models.get(ctx)
	if err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	sem := make(chan struct{}, s.opts.Workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, id := range order {
		// Under pressure the bot goes one conversation at a time, so what
		// it adds to intake's transactions and the CPU comes in small
		// pieces between acknowledgements rather than all at once.
		one := s.yield(ctx)
		sem <- struct{}{}
		wg.Add(1)
		done := make(chan struct{})
		go func(msgs []conversation.MessageEvent) {
			defer func() { <-sem; wg.Done(); close(done) }()
			if err := s.decideAll(ctx, msgs, mdl); err != nil {
				if ctx.Err() != nil {
					return // stopping: the events are delivered again after a restart
				}
				s.log.Error("bot decision failed", "conversation", msgs[0].Message.ConversationID, "seq", msgs[0].Message.Seq, "err", err)
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}(byConv[id])
		if one {
			<-done
		}
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if firstErr != nil {
		return fmt.Errorf("bot: %w", firstErr)
	}
	return nil
}

// yield waits while intake is saturated (Options.Pressure), for at most
// maxYield: acknowledging messages comes before answering them. It reports
// whether intake was saturated. The wait is a scheduling delay measured on
// the wall clock, not domain time.
func (s *Service) yield(ctx context.Context) bool {
	if s.opts.Pressure == nil || s.opts.Pressure.Waiting() <= s.opts.YieldAbove {
		return false
	}
	deadline := time.Now().Add(maxYield)
	t := time.NewTicker(yieldPoll)
	defer t.Stop()
	for s.opts.Pressure.Waiting() > s.opts.YieldAbove && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return true
		case <-t.C:
		}
	}
	return true
}

// SetBaseURL sets where article links point (the server's own address when
// no public URL is configured). Call it before events flow.
func (s *Service) SetBaseURL(u string) { s.opts.BaseURL = u }
