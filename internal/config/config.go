// Package config reads Huiying's settings from command-line flags and
// HUIYING_* environment variables (flags win), with defaults that make
// `huiying` with no arguments a working single-node server.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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
}

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
	return errs
}

// DatabaseURL is the URL to open: --db, or SQLite in the data folder.
func (c Config) DatabaseURL() string {
	if c.DBURL != "" {
		return c.DBURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "huiying.db")
}
