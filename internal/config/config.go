// Package config reads Huiying's settings from command-line flags and
// HUIYING_* environment variables (flags win), with defaults that make
// `huiying` with no arguments a working single-node server.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/ratelimit"
	"github.com/huiying/huiying/internal/walletctx"
)

// Config is the server's configuration.
type Config struct {
	Addr            string
	DataDir         string
	DBURL           string
	PublicURL       string
	LogFormat       string
	LogLevel        string
	MaxRequestBytes int64
	MaxUploadBytes  int64
	ShutdownTimeout time.Duration
	// Explorers are the block explorer URL templates per chain (defaults
	// merged with --explorers).
	Explorers walletctx.Explorers
	// RetentionDays: closed conversations idle this long are deleted; 0 keeps
	// everything.
	RetentionDays int
	// AuditRetentionDays: audit log entries older than this are deleted; 0
	// keeps them forever.
	AuditRetentionDays int
	// LLMURL is the OpenAI-compatible server that phrases bot answers;
	// empty turns it off. LLMModel is the model asked.
	LLMURL, LLMModel string
	// LLMAPIKey comes only from $HUIYING_LLM_API_KEY, never a flag, so it
	// shows neither in ps nor as a flag default in -h.
	LLMAPIKey string
	// BotAnswer and BotSuggest are the FAQ bot's confidence thresholds:
	// answer at or above BotAnswer, suggest articles at or above BotSuggest.
	BotAnswer, BotSuggest float64
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (none: the client is the peer).
	TrustedProxies []netip.Prefix
	// BodyReadTimeout bounds how long a request body may take to arrive.
	BodyReadTimeout time.Duration
	// ChatSocketsPerIP caps the open chat WebSockets per client address
	// (0: the channel's default, 50).
	ChatSocketsPerIP int
	// KeepUnassignedOnReply (--assign-on-reply=false) leaves a conversation
	// unassigned when an agent replies to it; by default the first reply
	// assigns it to the agent. Negated so that a Config built in code
	// behaves as the default install.
	KeepUnassignedOnReply bool
	// PresenceGrace is how long an online agent may have no console
	// connection before routing makes them away (0: 2 minutes).
	PresenceGrace time.Duration
	// Rates limit anonymous writes and the bot's answers, per node. The
	// zero Rate is off, so a Config built in code (tests, the benchmark)
	// limits nothing unless it says so; the flags' defaults do.
	Rates Rates
}

// Rates are the token-bucket limits (see internal/ratelimit).
type Rates struct {
	ConversationsPerIP, ConversationsPerInbox ratelimit.Rate
	MessagesPerContact, MessagesPerIP         ratelimit.Rate
	MessagesPerInbox, UploadsPerInbox         ratelimit.Rate
	UploadsPerContact, UploadsPerIP           ratelimit.Rate
	SignInsPerIP                              ratelimit.Rate
	BotAnswersPerConversation                 ratelimit.Rate
}

// EnvLLMAPIKey is the environment variable holding the LLM server's API key.
const EnvLLMAPIKey = "HUIYING_LLM_API_KEY"

// Option describes one setting, for flags, the environment and the docs.
type Option struct {
	Flag, Env, Default, Help string
}

// Options lists every setting; README's configuration table follows it.
var Options = []Option{
	{"addr", "HUIYING_ADDR", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)"},
	{"data", "HUIYING_DATA", "./huiying-data", "data folder: SQLite database, attachments"},
	{"db", "HUIYING_DB", "", "database URL: empty for SQLite in the data folder, or postgres://user:pass@host/db"},
	{"public-url", "HUIYING_PUBLIC_URL", "", "URL users reach the server at (default http://ADDR)"},
	{"log-format", "HUIYING_LOG_FORMAT", "text", "log format: text or json"},
	{"log-level", "HUIYING_LOG_LEVEL", "info", "log level: debug, info, warn or error"},
	{"max-request-bytes", "HUIYING_MAX_REQUEST_BYTES", "65536", "largest JSON request body accepted"},
	{"max-upload-bytes", "HUIYING_MAX_UPLOAD_BYTES", "10485760", "largest attachment accepted"},
	{"shutdown-timeout", "HUIYING_SHUTDOWN_TIMEOUT", "15s", "how long a graceful stop waits for connections to drain"},
	{"explorers", "HUIYING_EXPLORERS", "", `block explorer links as JSON chain → {"address","tx"} templates with {value}, merged over the defaults (etherscan.io, tronscan.org, mempool.space, solscan.io); chains: evm, tron, bitcoin, solana`},
	{"retention-days", "HUIYING_RETENTION_DAYS", "0", "delete closed conversations (messages, events, attachments) idle for this many days; 0 keeps them forever"},
	{"audit-retention-days", "HUIYING_AUDIT_RETENTION_DAYS", "365", "delete audit log entries older than this many days (hourly); 0 keeps them forever"},
	{"llm-url", "HUIYING_LLM_URL", "", "OpenAI-compatible server (base URL, e.g. http://127.0.0.1:11434) that phrases bot answers from the top articles; empty turns it off; API key from $" + EnvLLMAPIKey},
	{"llm-model", "HUIYING_LLM_MODEL", "gpt-4o-mini", "model asked at --llm-url"},
	{"bot-answer-threshold", "HUIYING_BOT_ANSWER_THRESHOLD", "0.6", "the FAQ bot answers with the top article when its confidence is at least this (0–1)"},
	{"bot-suggest-threshold", "HUIYING_BOT_SUGGEST_THRESHOLD", "0.12", "below the answer threshold, the bot offers articles whose confidence is at least this, else asks to rephrase (0–1)"},
	{"trusted-proxies", "HUIYING_TRUSTED_PROXIES", "", "reverse proxies (comma-separated addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8) whose X-Forwarded-For and X-Forwarded-Proto are believed; empty: the client is the connection's peer"},
	{"body-read-timeout", "HUIYING_BODY_READ_TIMEOUT", "30s", "how long a request body may take to arrive, plus 1 s per 16 KiB received; slower bodies are answered 408"},
	{"rate-conversations-per-ip", "HUIYING_RATE_CONVERSATIONS_PER_IP", "20/min burst 10", "conversations one client address may start: N/s, N/min or N/h, optionally \"burst B\"; off turns it off"},
	{"rate-conversations-per-inbox", "HUIYING_RATE_CONVERSATIONS_PER_INBOX", "600/min burst 300", "conversations all clients together may start in one inbox (same format)"},
	{"rate-messages-per-contact", "HUIYING_RATE_MESSAGES_PER_CONTACT", "30/min burst 20", "messages one visitor may send (same format)"},
	{"rate-messages-per-ip", "HUIYING_RATE_MESSAGES_PER_IP", "600/min burst 200", "messages one client address may send, all its visitors together (same format)"},
	{"rate-messages-per-inbox", "HUIYING_RATE_MESSAGES_PER_INBOX", "300/s burst 3000", "messages all visitors together may send to one inbox (same format)"},
	{"rate-uploads-per-contact", "HUIYING_RATE_UPLOADS_PER_CONTACT", "10/min burst 5", "files one visitor may upload (same format)"},
	{"rate-uploads-per-ip", "HUIYING_RATE_UPLOADS_PER_IP", "60/min burst 20", "files one client address may upload (same format)"},
	{"rate-uploads-per-inbox", "HUIYING_RATE_UPLOADS_PER_INBOX", "30/s burst 300", "files all visitors together may upload to one inbox (same format)"},
	{"rate-sign-ins-per-ip", "HUIYING_RATE_SIGN_INS_PER_IP", "30/min burst 20", "console sign-in requests one client address may make, right or wrong (same format)"},
	{"presence-grace", "HUIYING_PRESENCE_GRACE", "2m", "how long an online agent may have no console open before they turn away and stop receiving conversations"},
	{"chat-sockets-per-ip", "HUIYING_CHAT_SOCKETS_PER_IP", "50", "open chat WebSockets (/ws/contact) one client address may hold, all its visitors together; more are answered 429"},
	{"bot-answers-per-conversation", "HUIYING_BOT_ANSWERS_PER_CONVERSATION", "5/min", "the FAQ bot answers at most this many messages in one conversation (same format); beyond it the bot stays quiet and the conversation waits for a person"},
	{"assign-on-reply", "HUIYING_ASSIGN_ON_REPLY", "true", "an agent's reply to an unassigned conversation assigns it to that agent (true or false)"},
}

// Register adds the flags to fs and returns a function that builds the
// Config after fs.Parse.
func Register(fs *flag.FlagSet) func() (Config, error) {
	vals := map[string]*string{}
	for _, o := range Options {
		def := o.Default
		if v, ok := os.LookupEnv(o.Env); ok {
			def = v
		}
		vals[o.Flag] = fs.String(o.Flag, def, o.Help+" ($"+o.Env+")")
	}
	return func() (Config, error) {
		c := Config{
			Addr: *vals["addr"], DataDir: *vals["data"], DBURL: *vals["db"], PublicURL: *vals["public-url"],
			LogFormat: *vals["log-format"], LogLevel: *vals["log-level"],
			LLMURL: *vals["llm-url"], LLMModel: *vals["llm-model"], LLMAPIKey: os.Getenv(EnvLLMAPIKey),
		}
		var errs []error
		var err error
		if c.MaxRequestBytes, err = strconv.ParseInt(*vals["max-request-bytes"], 10, 64); err != nil || c.MaxRequestBytes < 1024 {
			errs = append(errs, fmt.Errorf("--max-request-bytes must be a number ≥ 1024, got %q", *vals["max-request-bytes"]))
		}
		if c.MaxUploadBytes, err = strconv.ParseInt(*vals["max-upload-bytes"], 10, 64); err != nil || c.MaxUploadBytes < 1024 {
			errs = append(errs, fmt.Errorf("--max-upload-bytes must be a number ≥ 1024, got %q", *vals["max-upload-bytes"]))
		}
		if c.ShutdownTimeout, err = time.ParseDuration(*vals["shutdown-timeout"]); err != nil || c.ShutdownTimeout < 0 {
			errs = append(errs, fmt.Errorf("--shutdown-timeout must be a duration like 15s, got %q", *vals["shutdown-timeout"]))
		}
		if c.Explorers, err = walletctx.ParseExplorers(*vals["explorers"]); err != nil {
			errs = append(errs, fmt.Errorf("--explorers: %v", err))
		}
		if c.RetentionDays, err = strconv.Atoi(*vals["retention-days"]); err != nil || c.RetentionDays < 0 {
			errs = append(errs, fmt.Errorf("--retention-days must be a whole number of days ≥ 0, got %q", *vals["retention-days"]))
		}
		if c.AuditRetentionDays, err = strconv.Atoi(*vals["audit-retention-days"]); err != nil || c.AuditRetentionDays < 0 {
			errs = append(errs, fmt.Errorf("--audit-retention-days must be a whole number of days ≥ 0, got %q", *vals["audit-retention-days"]))
		}
		c.BotAnswer, err = strconv.ParseFloat(*vals["bot-answer-threshold"], 64)
		if err != nil || c.BotAnswer <= 0 || c.BotAnswer > 1 {
			errs = append(errs, fmt.Errorf("--bot-answer-threshold must be a number in (0, 1], got %q", *vals["bot-answer-threshold"]))
		}
		c.BotSuggest, err = strconv.ParseFloat(*vals["bot-suggest-threshold"], 64)
		if err != nil || c.BotSuggest <= 0 || c.BotSuggest > c.BotAnswer {
			errs = append(errs, fmt.Errorf("--bot-suggest-threshold must be a number above 0 and at most the answer threshold, got %q", *vals["bot-suggest-threshold"]))
		}
		if c.TrustedProxies, err = parsePrefixes(*vals["trusted-proxies"]); err != nil {
			errs = append(errs, fmt.Errorf("--trusted-proxies: %v", err))
		}
		if c.BodyReadTimeout, err = time.ParseDuration(*vals["body-read-timeout"]); err != nil || c.BodyReadTimeout < time.Second {
			errs = append(errs, fmt.Errorf("--body-read-timeout must be a duration of at least 1s like 30s, got %q", *vals["body-read-timeout"]))
		}
		if c.ChatSocketsPerIP, err = strconv.Atoi(*vals["chat-sockets-per-ip"]); err != nil || c.ChatSocketsPerIP < 1 {
			errs = append(errs, fmt.Errorf("--chat-sockets-per-ip must be a whole number ≥ 1, got %q", *vals["chat-sockets-per-ip"]))
		}
		if c.PresenceGrace, err = time.ParseDuration(*vals["presence-grace"]); err != nil || c.PresenceGrace < time.Second {
			errs = append(errs, fmt.Errorf("--presence-grace must be a duration of at least 1s like 2m, got %q", *vals["presence-grace"]))
		}
		if assign, err := strconv.ParseBool(*vals["assign-on-reply"]); err != nil {
			errs = append(errs, fmt.Errorf("--assign-on-reply must be true or false, got %q", *vals["assign-on-reply"]))
		} else {
			c.KeepUnassignedOnReply = !assign
		}
		for _, r := range []struct {
			flag string
			dst  *ratelimit.Rate
		}{
			{"rate-conversations-per-ip", &c.Rates.ConversationsPerIP},
			{"rate-conversations-per-inbox", &c.Rates.ConversationsPerInbox},
			{"rate-messages-per-contact", &c.Rates.MessagesPerContact},
			{"rate-messages-per-ip", &c.Rates.MessagesPerIP},
			{"rate-uploads-per-contact", &c.Rates.UploadsPerContact},
			{"rate-uploads-per-ip", &c.Rates.UploadsPerIP},
			{"rate-messages-per-inbox", &c.Rates.MessagesPerInbox},
			{"rate-uploads-per-inbox", &c.Rates.UploadsPerInbox},
			{"rate-sign-ins-per-ip", &c.Rates.SignInsPerIP},
			{"bot-answers-per-conversation", &c.Rates.BotAnswersPerConversation},
		} {
			if *r.dst, err = ratelimit.ParseRate(*vals[r.flag]); err != nil {
				errs = append(errs, fmt.Errorf("--%s: %v", r.flag, err))
			}
		}
		errs = append(errs, c.validate()...)
		return c, errors.Join(errs...)
	}
}

func (c *Config) validate() []error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr must be host:port, got %q", c.Addr))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("--data must name a folder"))
	} else if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	if c.DBURL != "" && !strings.HasPrefix(c.DBURL, "postgres://") && !strings.HasPrefix(c.DBURL, "postgresql://") &&
		!strings.HasPrefix(c.DBURL, "sqlite:") {
		errs = append(errs, fmt.Errorf("--db must start with postgres:// or sqlite:, got %q", c.DBURL))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("--log-format must be text or json, got %q", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level must be debug, info, warn or error, got %q", c.LogLevel))
	}
	if c.LLMURL != "" {
		if u, err := url.Parse(c.LLMURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--llm-url must be an http(s) URL like http://127.0.0.1:11434, got %q", c.LLMURL))
		}
		if c.LLMModel == "" {
			errs = append(errs, errors.New("--llm-model must name a model when --llm-url is set"))
		}
	}
	return errs
}

// parsePrefixes reads comma-separated addresses and CIDR prefixes.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR prefix like 10.0.0.0/8", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// DatabaseURL is the URL to open: --db, or SQLite in the data folder.
func (c Config) DatabaseURL() string {
	if c.DBURL != "" {
		return c.DBURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "huiying.db")
}
