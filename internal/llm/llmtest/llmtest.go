// Package llmtest runs a loopback OpenAI-compatible chat-completions server
// for tests. It decodes requests strictly as the protocol shapes them,
// records them, and answers with whatever the test decides.
package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// Message is one chat message. Only text content is accepted.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Name    string `json:"name,omitempty"`
}

// ChatRequest is a POST /v1/chat/completions body. Fields not in the
// protocol are refused, like a strict server would.
type ChatRequest struct {
	Model               string             `json:"model"`
	Messages            []Message          `json:"messages"`
	Temperature         *float64           `json:"temperature,omitempty"`
	TopP                *float64           `json:"top_p,omitempty"`
	N                   *int               `json:"n,omitempty"`
	Stream              bool               `json:"stream,omitempty"`
	Stop                json.RawMessage    `json:"stop,omitempty"`
	MaxTokens           *int               `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int               `json:"max_completion_tokens,omitempty"`
	PresencePenalty     *float64           `json:"presence_penalty,omitempty"`
	FrequencyPenalty    *float64           `json:"frequency_penalty,omitempty"`
	LogitBias           map[string]float64 `json:"logit_bias,omitempty"`
	Seed                *int64             `json:"seed,omitempty"`
	User                string             `json:"user,omitempty"`
	ResponseFormat      json.RawMessage    `json:"response_format,omitempty"`
}

// Call is one recorded request.
type Call struct {
	Header  http.Header
	Request ChatRequest
}

// Reply is what the server answers to one request.
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	// Content is the assistant's text for a 2xx reply, or error.message
	// for any other status.
	Content string
	// Raw, when set, is written as the body instead (for malformed replies).
	Raw []byte
	// Delay holds the reply back this long, or until the client gives up.
	Delay time.Duration
}

// Server is a running loopback server.
type Server struct {
	// URL is the base URL, without "/v1".
	URL string

	answer func(Call) Reply
	mu     sync.Mutex
	calls  []Call
}

// New starts a server that answers every valid request with answer(call);
// it stops when the test ends.
func New(t testing.TB, answer func(Call) Reply) *Server {
	t.Helper()
	s := &Server{answer: answer}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// Calls returns the valid requests received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	var req ChatRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid request body: "+err.Error())
		return
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "invalid request body: data after the JSON object")
		return
	}
	if msg := validate(req); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	call := Call{Header: r.Header.Clone(), Request: req}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()

	reply := s.answer(call)
	if reply.Delay > 0 {
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	switch {
	case reply.Raw != nil:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(reply.Raw)
	case status < 200 || status > 299:
		writeError(w, status, reply.Content)
	default:
		writeJSON(w, status, completion(req, reply.Content))
	}
}

func validate(req ChatRequest) string {
	switch {
	case req.Model == "":
		return "you must provide a model parameter"
	case len(req.Messages) == 0:
		return "'messages' must contain at least one message"
	case req.Stream:
		return "streaming is not supported by this test server"
	}
	for i, m := range req.Messages {
		switch m.Role {
		case "system", "developer", "user", "assistant":
		default:
			return fmt.Sprintf("messages[%d].role: %q is not a valid role", i, m.Role)
		}
	}
	if t := req.Temperature; t != nil && (*t < 0 || *t > 2) {
		return "temperature must be between 0 and 2"
	}
	if n := req.MaxTokens; n != nil && *n < 1 {
		return "max_tokens must be at least 1"
	}
	return ""
}

// completion builds a chat.completion object as OpenAI returns it.
func completion(req ChatRequest, content string) map[string]any {
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(m.Content)/4 + 1
	}
	answer := len(content)/4 + 1
	return map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   req.Model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content},
			"logprobs":      nil,
			"finish_reason": "stop",
		}},
		"usage": map[string]int{"prompt_tokens": prompt, "completion_tokens": answer, "total_tokens": prompt + answer},
	}
}

// writeError writes an OpenAI-style error body.
func writeError(w http.ResponseWriter, status int, message string) {
	typ, code := "invalid_request_error", any(nil)
	switch {
	case status == http.StatusUnauthorized:
		code = "invalid_api_key"
	case status == http.StatusTooManyRequests:
		typ, code = "rate_limit_exceeded", "rate_limit_exceeded"
	case status >= 500:
		typ = "server_error"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
