// Package intake is the one path by which inbound messages enter Huiying:
// normalize, guard, then commit the message and its outbox event, and only
// then acknowledge with the message's sequence number. Concurrent senders
// share transactions (group commit), so one fsync covers many messages.
package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/walletctx"
)

// Inbound is one message from an end user, as a channel adapter hands it over.
type Inbound struct {
	Channel         string
	ConversationID  string
	ContactID       string // the authenticated sender; the conversation must be theirs
	ClientMessageID string
	Body            string
	Attachments     []conversation.AttachmentRef
	// Secrets are the kinds of secrets the guard removed from Body.
	Secrets []string
	// Impersonation is set when the sender reports being contacted by
	// someone posing as support on another channel.
	Impersonation bool
	// Wallet holds the addresses and transaction hashes the guard found
	// in Body; they are committed with the message as conversation
	// attributes.
	Wallet []walletctx.Entity
}

// Ack is what the sender gets once the message is committed.
type Ack struct {
	Message   conversation.Message
	Duplicate bool // a retry: Message is the one first stored
	// Redacted is set when the guard removed secrets from the body.
	Redacted bool
}

// Guard inspects and may rewrite an inbound message before it is stored
// (secret scrubbing, wallet entity detection). It must not keep the original.
type Guard interface {
	Inspect(ctx context.Context, in *Inbound) error
}

// NopGuard lets every message through unchanged.
type NopGuard struct{}

// Inspect does nothing.
func (NopGuard) Inspect(context.Context, *Inbound) error { return nil }

// ErrClosed is returned for messages submitted after shutdown began.
var ErrClosed = apperr.New(apperr.Unavailable, "the server is shutting down; retry with the same client_message_id")

// Options tune the group commit.
type Options struct {
	MaxBatch int // messages per transaction (default 512)
	Writers  int // concurrent writer transactions (default 1; more helps PostgreSQL only)
}

// Service accepts inbound messages.
type Service struct {
	convs *conversation.Store
	db    *store.DB
	guard Guard
	log   *slog.Logger
	opt   Options

	queue   chan *request
	mu      sync.RWMutex
	closed  bool
	writers sync.WaitGroup
	// inflight counts messages submitted and not yet answered (Waiting).
	inflight atomic.Int64
}

type request struct {
	// write, when set, is a write of another stage sharing the batch's
	// transaction (Write) instead of a message.
	write         func(tx *store.Tx) error
	ctx           context.Context
	msg           conversation.NewMessage
	secrets       []string
	impersonation bool
	wallet        []walletctx.Entity
	done          chan result
}

type result struct {
	ack Ack
	err error
}

// New starts the service's writers. Close stops them after the queue drains.
func New(convs *conversation.Store, guard Guard, log *slog.Logger, opt Options) *Service {
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 512
	}
	if opt.Writers <= 0 {
		opt.Writers = 1
	}
	if guard == nil {
		guard = NopGuard{}
	}
	s := &Service{convs: convs, db: convs.DB(), guard: guard, log: log, opt: opt,
		queue: make(chan *request, opt.MaxBatch*4)}
	for range opt.Writers {
		s.writers.Add(1)
		go s.writer()
	}
	return s
}

// Submit runs in on the intake path and returns after it is committed.
func (s *Service) Submit(ctx context.Context, in Inbound) (Ack, error) {
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	in.Body = conversation.NormalizeBody(in.Body)
	if err := s.guard.Inspect(ctx, &in); err != nil {
		return Ack{}, fmt.Errorf("guard: %w", err)
	}
	nm := conversation.NewMessage{
		ConversationID: in.ConversationID, ContactID: in.ContactID, Direction: conversation.Inbound,
		AuthorType: conversation.AuthorContact, AuthorID: in.ContactID, Body: in.Body,
		ClientMessageID: in.ClientMessageID, Attachments: in.Attachments,
	}
	if err := nm.Validate(); err != nil {
		return Ack{}, err
	}
	req := &request{ctx: ctx, msg: nm, secrets: in.Secrets, impersonation: in.Impersonation, wallet: in.Wallet, done: make(chan result, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return Ack{}, ErrClosed
	}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return Ack{}, ctx.Err()
	}
	s.mu.RUnlock()
	// Once queued the message will be written even if the caller goes away;
	// a retry with the same client message id then gets the original ack.
	r := <-req.done
	return r.ack, r.err
}

// Write runs f inside the transaction of intake's next group commit and
// returns once it has committed: a stage that writes for every message
// (the bot's decisions and answers) shares intake's transactions and
// fsyncs instead of taking the single writer in turns with it. If f
// fails, the batch is retried one request at a time, so f's error is
// returned to its caller alone and no message is lost. After Close, f runs
// in a transaction of its own.
func (s *Service) Write(ctx context.Context, f func(tx *store.Tx) error) error {
	req := &request{ctx: ctx, write: f, done: make(chan result, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return s.db.InTx(ctx, f)
	}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	return (<-req.done).err
}

// Waiting reports how many messages are being taken in: submitted and not
// yet acknowledged. A stage whose work can wait (the bot) defers it while
// many are, so that acknowledgements come first when intake is saturated.
func (s *Service) Waiting() int { return int(s.inflight.Load()) }

// Close stops accepting messages, writes everything already queued and
// waits for the writers to finish.
func (s *Service) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	s.writers.Wait()
}

func (s *Service) writer() {
	defer s.writers.Done()
	batch := make([]*request, 0, s.opt.MaxBatch)
	for first := range s.queue {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < s.opt.MaxBatch {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commit(batch)
	}
}

// commit writes a batch in one transaction. Requests that fail on their own
// (unknown conversation) write nothing and do not spoil the batch; if the
// transaction itself fails, each request is retried alone so one bad
// message cannot take others down with it.
func (s *Service) commit(batch []*request) {
	ctx := context.Background()
	results := make([]result, len(batch))
	across := false // a secret completed across messages was removed
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		across = false
		for i, r := range batch {
			if r.write != nil {
				if err := r.write(tx); err != nil {
					return err
				}
				results[i] = result{}
				continue
			}
			// A secret this message completes with earlier ones is removed
			// from all of them before the message is written. r is left
			// as it came: the batch may be retried.
			msg, secrets := r.msg, r.secrets
			body, found, err := s.completeAcross(ctx, tx, msg)
			if err != nil {
				return err
			}
			if found {
				msg.Body, across = body, true
				if !slices.Contains(secrets, guard.KindMnemonic) {
					secrets = append(slices.Clone(secrets), guard.KindMnemonic)
				}
			}
			a, err := s.convs.Append(ctx, tx, msg)
			if err != nil && apperr.CodeOf(err) == "" {
				return err
			}
			if err == nil && !a.Duplicate && len(secrets) > 0 {
				// Warn the sender and flag the conversation in the same
				// transaction, so neither can be lost.
				if err := s.convs.FlagSecret(ctx, tx, msg.ConversationID, secrets); err != nil {
					return err
				}
			}
			if err == nil && !a.Duplicate && r.impersonation {
				if err := s.convs.WarnImpersonation(ctx, tx, msg.ConversationID); err != nil {
					return err
				}
			}
			if err == nil && !a.Duplicate && len(r.wallet) > 0 {
				// The wallet context belongs with the message: the agent
				// sees the address when the message arrives, and a failed
				// commit writes neither.
				if err := s.convs.RecordWalletContext(ctx, tx, msg.ConversationID, r.wallet); err != nil {
					return err
				}
			}
			results[i] = result{ack: Ack{Message: a.Message, Duplicate: a.Duplicate, Redacted: len(secrets) > 0}, err: err}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		s.log.Warn("intake batch failed; retrying messages one by one", "size", len(batch), "err", err)
		for _, r := range batch {
			s.commit([]*request{r})
		}
		return
	}
	if err != nil && batch[0].write != nil {
		results[0] = result{err: err}
	} else if err != nil {
		results[0] = result{err: fmt.Errorf("store message: %w", err)}
	}
	if err == nil && across {
		// The earlier bodies were overwritten in place (secure_delete
		// zeroes the old text in the page), but the log still holds the
		// pages as first written: empty it before anyone is answered.
		if err := s.db.TruncateWAL(ctx); err != nil {
			s.log.Warn("write-ahead log not emptied after removing a secret; it will be at a later checkpoint", "err", err)
		}
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// IsClosed reports whether err means the service is shutting down.
func IsClosed(err error) bool { return errors.Is(err, ErrClosed) }
