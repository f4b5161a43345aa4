// Package llm phrases a help answer from knowledge-base articles with an
// OpenAI-compatible chat-completions server (OpenAI, a gateway, or a local
// server such as Ollama or vLLM). It is optional: without a server the
// product answers with the articles themselves.
//
// Only the user's question (with any mnemonic or private key removed) and
// the given articles are sent; never conversation history or contact data.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/guard"
)

// DefaultTimeout bounds one Answer call when Config.Timeout is zero.
const DefaultTimeout = 8 * time.Second

// Limits on what is sent and read.
const (
	// MaxResponseBytes is the largest response body read from the server.
	MaxResponseBytes = 1 << 20
	// maxSourceRunes bounds each article body in the prompt, so a long
	// article cannot crowd out the others or the question.
	maxSourceRunes = 4000
	maxErrorBytes  = 64 << 10
	temperature    = 0.2
	maxTokens      = 600
)

// Source is one knowledge-base article offered to the model.
type Source struct {
	ID, Title, Body, URL string
}

// Request is one question with the articles to answer it from, best first.
// Locale is "en" or "zh-CN"; it picks the language of the prompt and the
// answer.
type Request struct {
	Question, Locale string
	Sources          []Source
}

// Answer is the model's reply and the IDs of the sources it cites, in order
// of first citation.
type Answer struct {
	Text  string
	Cited []string
}

// Config configures a Client.
type Config struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:11434 or
	// https://api.openai.com; a trailing "/v1" or "/" is accepted.
	URL string
	// Model is sent as the request's "model".
	Model string
	// APIKey, when set, is sent as "Authorization: Bearer APIKey".
	APIKey string
	// Timeout bounds one Answer call; zero means DefaultTimeout.
	Timeout time.Duration
	// HTTP is the client to use; nil means a new http.Client.
	HTTP *http.Client
}

// LogValue keeps the API key out of logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.URL), slog.String("model", c.Model),
		slog.Bool("api_key_set", c.APIKey != ""), slog.Duration("timeout", c.Timeout))
}

// Client asks a chat-completions server. It is safe for concurrent use.
type Client struct {
	endpoint string
	model    string
	apiKey   string
	timeout  time.Duration
	http     *http.Client
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	c := &Client{
		endpoint: Endpoint(cfg.URL),
		model:    cfg.Model,
		apiKey:   cfg.APIKey,
		timeout:  cfg.Timeout,
		http:     cfg.HTTP,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	return c
}

// Endpoint returns the chat-completions URL for a base URL given with or
// without a trailing "/v1" and "/".
func Endpoint(base string) string {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	base = strings.TrimSuffix(base, "/v1")
	return strings.TrimRight(base, "/") + "/v1/chat/completions"
}

// Answer asks the server to answer r.Question from r.Sources. It returns
// ErrNoCitation when the reply cites none of the sources; the caller should
// then show the articles themselves.
func (c *Client) Answer(ctx context.Context, r Request) (Answer, error) {
	if strings.TrimSpace(r.Question) == "" {
		return Answer{}, ErrNoQuestion
	}
	if len(r.Sources) == 0 {
		return Answer{}, ErrNoSources
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	question, _ := guard.Redact(r.Question)
	body, err := json.Marshal(chatRequest{
		Model:       c.model,
		Messages:    []chatMessage{{Role: "system", Content: systemPrompt(r.Locale)}, {Role: "user", Content: userPrompt(r.Locale, question, r.Sources)}},
		Temperature: temperature,
		MaxTokens:   maxTokens,
	})
	if err != nil {
		return Answer{}, fmt.Errorf("llm: encode request: %w", err)
	}
	content, err := c.post(ctx, body)
	if err != nil {
		return Answer{}, err
	}
	cited := citations(content, r.Sources)
	if len(cited) == 0 {
		return Answer{}, fmt.Errorf("llm: model %q answered without citing a source: %w", c.model, ErrNoCitation)
	}
	return Answer{Text: content, Cited: cited}, nil
}

// post sends one chat-completions request and returns the reply's text.
func (c *Client) post(ctx context.Context, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm: bad server URL %q: %w", c.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("llm: no answer from %s within %s: %w", req.URL.Redacted(), c.timeout, context.DeadlineExceeded)
		}
		return "", fmt.Errorf("llm: request to %s failed: %w", req.URL.Redacted(), err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
		return "", &StatusError{URL: req.URL.Redacted(), Status: resp.StatusCode, Message: errorMessage(b)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("llm: answer from %s not complete within %s: %w", req.URL.Redacted(), c.timeout, context.DeadlineExceeded)
		}
		return "", fmt.Errorf("llm: read answer from %s: %w", req.URL.Redacted(), err)
	}
	if len(b) > MaxResponseBytes {
		return "", fmt.Errorf("llm: answer from %s is larger than %d bytes: %w", req.URL.Redacted(), MaxResponseBytes, ErrTooLarge)
	}
	var cr chatResponse
	if err := json.Unmarshal(b, &cr); err != nil {
		return "", fmt.Errorf("llm: answer from %s is not chat-completion JSON (%w): %w", req.URL.Redacted(), err, ErrMalformed)
	}
	if len(cr.Choices) == 0 {
		return "", fmt.Errorf("llm: answer from %s has no choices: %w", req.URL.Redacted(), ErrEmpty)
	}
	content := strings.TrimSpace(cr.Choices[0].Message.Content)
	if content == "" {
		return "", fmt.Errorf("llm: answer from %s has empty content (finish_reason %q): %w",
			req.URL.Redacted(), cr.Choices[0].FinishReason, ErrEmpty)
	}
	return content, nil
}
