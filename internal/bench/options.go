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
	return nil
}
