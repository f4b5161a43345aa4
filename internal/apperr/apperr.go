// Package apperr is the one application error type: domain packages return
// it with a code and a message meant for the user; the HTTP edge maps the
// code to a status. Anything else is an internal error, logged and shown as
// "Internal error."
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Codes understood by the HTTP edge.
const (
	Invalid      = "invalid"        // 400
	Unauthorized = "unauthorized"   // 401
	Forbidden    = "forbidden"      // 403
	CSRF         = "csrf"           // 403: a cookie-authenticated write without the session's X-CSRF-Token
	NotFound     = "not_found"      // 404
	Conflict     = "conflict"       // 409
	TooLarge     = "too_large"      // 413
	Unsupported  = "unsupported"    // 415
	RateLimited  = "rate_limited"   // 429
	Unavailable  = "unavailable"    // 503
	BadJSON      = "malformed_json" // 400
	// AsksForSecret refuses an agent reply that asks the user for a
	// mnemonic, private key or keystore (see internal/safety).
	AsksForSecret = "asks_for_secret" // 400
	// ContainsSecret refuses an upload whose content is a keystore or holds
	// a mnemonic or private key (see internal/guard); nothing is stored.
	ContainsSecret = "contains_secret" // 422

	// TOTPRequired (401): the password was right, and the agent has
	// two-factor sign-in on; send totp_code or recovery_code as well.
	TOTPRequired = "totp_required"
	// TOTPSetupRequired (403): an admin signed in to the console without
	// two-factor sign-in must enroll before doing anything else.
	TOTPSetupRequired = "totp_setup_required"
)

// Error is an error a client can act on.
type Error struct {
	Code    string
	Message string
	// RetryAfter, when set, is how long the client should wait before
	// trying again (sent as the Retry-After header).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// New returns an *Error with a formatted message.
func New(code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NewRetry is New with a time to wait before retrying.
func NewRetry(code string, after time.Duration, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), RetryAfter: after}
}

// CodeOf returns the application code of err, or "" for internal errors.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Is reports whether err carries the given code.
func Is(err error, code string) bool { return CodeOf(err) == code }
