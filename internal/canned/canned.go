// Package canned keeps the team's canned replies: saved answers an agent
// inserts by typing their shortcut. Bodies may hold the variables
// {{contact.name}} and {{agent.name}}; they are stored as text and the
// console substitutes them, so the server never guesses a name.
package canned

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
)

// Limits on a reply's fields, in characters.
const (
	MaxTitleRunes = 200
	MaxBodyRunes  = 5000
)

var shortcutRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// Reply is one canned reply.
type Reply struct {
	ID        string    `json:"id"`
	Shortcut  string    `json:"shortcut"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Change sets a reply's fields; nil fields stay as they are (all three are
// required to create one).
type Change struct {
	Shortcut *string
	Title    *string
	Body     *string
}

// apply validates the set fields of ch and copies them into r.
func (ch Change) apply(r *Reply) error {
	if ch.Shortcut != nil {
		if !shortcutRE.MatchString(*ch.Shortcut) {
			return apperr.New(apperr.Invalid, "shortcut must be 1 to 32 characters of a-z, 0-9, _ and -, got %q", *ch.Shortcut)
		}
		r.Shortcut = *ch.Shortcut
	}
	if ch.Title != nil {
		t := strings.TrimSpace(*ch.Title)
		if t == "" {
			return apperr.New(apperr.Invalid, "title is required")
		}
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxTitleRunes {
			return apperr.New(apperr.Invalid, "title must be valid text of at most %d characters", MaxTitleRunes)
		}
		r.Title = t
	}
	if ch.Body != nil {
		b := strings.TrimRight(conversation.NormalizeBody(*ch.Body), " \t\n")
		if strings.TrimSpace(b) == "" {
			return apperr.New(apperr.Invalid, "body is required")
		}
		if !utf8.ValidString(b) {
			return apperr.New(apperr.Invalid, "body is not valid UTF-8")
		}
		if n := utf8.RuneCountInString(b); n > MaxBodyRunes {
			return apperr.New(apperr.Invalid, "body has %d characters; the limit is %d", n, MaxBodyRunes)
		}
		r.Body = b
	}
	return nil
}
