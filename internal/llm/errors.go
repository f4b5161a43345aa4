package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors that Answer wraps; test them with errors.Is.
var (
	// ErrNoCitation: the reply cites none of the sources, so it cannot be
	// shown as grounded in the knowledge base.
	ErrNoCitation = errors.New("answer cites no source")
	// ErrMalformed: the server's reply is not chat-completion JSON.
	ErrMalformed = errors.New("malformed answer")
	// ErrEmpty: the reply has no choices or no text.
	ErrEmpty = errors.New("empty answer")
	// ErrTooLarge: the reply is larger than MaxResponseBytes.
	ErrTooLarge = errors.New("answer too large")
	// ErrNoQuestion and ErrNoSources: the request has nothing to ask or
	// nothing to answer from; nothing is sent.
	ErrNoQuestion = errors.New("llm: empty question")
	ErrNoSources  = errors.New("llm: no sources to answer from")
)

// StatusError is a non-2xx reply. Message is the server's error.message
// when it sent an OpenAI-style error body, else the start of the body.
type StatusError struct {
	URL     string
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("llm: %s answered HTTP %d", e.URL, e.Status)
	}
	return fmt.Sprintf("llm: %s answered HTTP %d: %s", e.URL, e.Status, e.Message)
}

// errorMessage extracts error.message from an OpenAI-style error body, or
// returns the body's start when it is not one.
func errorMessage(b []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && len(e.Error) > 0 {
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(e.Error, &obj) == nil && obj.Message != "" {
			return obj.Message
		}
		var s string // some servers send "error": "text"
		if json.Unmarshal(e.Error, &s) == nil && s != "" {
			return s
		}
	}
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), ""))
	if len(s) > 200 {
		s = s[:200]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}
