package bench

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"
)

// Options configures a Run.
type Options struct {
	// BaseURL is the server's base URL, e.g. "http://localhost:8080".
	// The scheme must be http or https; a trailing slash is ignored.
	BaseURL string
	// InboxKey is the public key of the widget inbox the users chat with.
	InboxKey string
	// Users is the number of simulated chat users, each with its own
	// conversation and its own sending goroutine. Must be at least 1.
	Users int
	// Messages is the number of messages each user sends. It is ignored
	// when Duration is set.
	Messages int
	// Duration, if > 0, makes every user keep sending for this long instead
	// of sending a fixed number of messages.
	Duration time.Duration
	// WebSocket makes each user also hold a contact WebSocket, opened before
	// sending starts, and count the messages echoed back on it.
	WebSocket bool
	// Questions, when not empty, are the message bodies (see BotQuestions)
	// instead of "bench message N from user U", and each user also times the
	// bot's replies on its contact WebSocket (Result.Answers): the k-th bot
	// message in a conversation answers its k-th question. Needs WebSocket.
	Questions []string
	// WaitAnswer makes each user wait for the bot's reply to a question
	// (up to AnswerWait) before it sends the next, as a person does.
	WaitAnswer bool
	// AnswerWait bounds how long a user waits for each reply with WaitAnswer,
	// and for all its replies at the end of the run (default 30s).
	AnswerWait time.Duration
	// Rate, if > 0, is the total messages per second all users together
	// send, each user on its own fixed schedule (open loop), instead of each
	// sending its next message as soon as the last is acknowledged.
	Rate float64
	// AgentToken, if set, opens an agent WebSocket (/ws/agent) with this API
	// token and measures delivery: from the start of sending a message to
	// its event reaching the agent (Result.Delivered).
	AgentToken string
	// Progress, if non-nil, receives a progress line about once a second,
	// and a description of the first few failures.
	Progress io.Writer
}

// validate reports whether o describes a runnable benchmark.
func (o *Options) validate() error {
	if o.BaseURL == "" {
		return errors.New("bench: BaseURL is required")
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil {
		return fmt.Errorf("bench: BaseURL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("bench: BaseURL %q: want http://host[:port] or https://host[:port]", o.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("bench: BaseURL %q must not have a query or fragment", o.BaseURL)
	}
	if o.InboxKey == "" {
		return errors.New("bench: InboxKey is required")
	}
	if o.Users < 1 {
		return fmt.Errorf("bench: Users is %d, want at least 1", o.Users)
	}
	if o.Duration < 0 {
		return fmt.Errorf("bench: Duration is %v, want >= 0", o.Duration)
	}
	if o.Duration == 0 && o.Messages < 1 {
		return fmt.Errorf("bench: Messages is %d, want at least 1 (or set Duration)", o.Messages)
	}
	if len(o.Questions) > 0 && !o.WebSocket {
		return errors.New("bench: Questions need WebSocket: the bot's replies are timed on the contact WebSocket")
	}
	if o.WaitAnswer && len(o.Questions) == 0 {
		return errors.New("bench: WaitAnswer needs Questions")
	}
	if o.Rate < 0 || o.AnswerWait < 0 {
		return fmt.Errorf("bench: Rate %v and AnswerWait %v must not be negative", o.Rate, o.AnswerWait)
	}
	return nil
}
