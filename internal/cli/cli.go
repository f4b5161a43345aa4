// Package cli is Huiying's command line: it parses subcommands and their
// flags and runs them on the application built by package app.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/config"
)

// Env is what a command talks to.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

type command struct {
	name, usage string
	run         func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the server (the default)", serve},
		{"migrate", "apply database migrations and exit", migrate},
		{"version", "print the version", version},
		{"token create", "create an API token for an agent: --agent EMAIL", tokenCreate},
		{"token list", "list API tokens, of every agent or one (--agent EMAIL): --json", tokenList},
		{"token revoke", "revoke the API token ID for good", tokenRevoke},
		{"inbox list", "list inboxes and their keys: --json", inboxList},
		{"inbox bot", "turn the FAQ bot on (or --off) in every inbox or one (--key KEY)", inboxBot},
		{"bench intake", "measure intake throughput and ack latency", benchIntake},
		{"bot eval", "train the matcher on TRAIN.csv and measure it on TEST.csv", botEval},
		{"bot afqmc-faq", "build a Chinese FAQ retrieval set (entries and questions) from AFQMC pairs", botAFQMCFAQ},
		{"kb export", "write every knowledge-base article to --out FOLDER/<locale>/<id>.md", kbExport},
		{"kb import", "import PATH (a folder from kb export, or one .md file) into the knowledge base", kbImport},
		{"guard scan", "read messages on stdin, one per line, and print what the secret guard finds", guardScan},
	}
}

// ErrUsage means the command line was wrong; the message was printed.
var ErrUsage = errors.New("usage")

// ownFlags lists the commands that open no database of their own and
// parse their own flags, with the configuration flags each defines itself.
// They accept every other configuration flag (the README promises that
// every command takes --data) and ignore it.
func ownFlags() map[string][]string {
	return map[string][]string{
		"guard scan":    nil,
		"bot eval":      nil,
		"bot afqmc-faq": nil,
		"bench intake":  {"db"}, // the database of its temporary server
	}
}

// Run runs the command named by args.
func Run(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && slices.Contains([]string{"help", "-h", "-help", "--help"}, args[0]) {
		usage(env.Stdout)
		return nil
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return serve(ctx, env, args)
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			rest := args[len(words):]
			if keep, ok := ownFlags()[c.name]; ok {
				rest = withoutConfigFlags(rest, keep)
			}
			return c.run(ctx, env, rest)
		}
	}
	fmt.Fprintf(env.Stderr, "huiying: unknown command %q\n\n", strings.Join(args, " "))
	usage(env.Stderr)
	return ErrUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: huiying [command] [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun 'huiying COMMAND -h' for the flags of a command.\n\n"+
		"Server flags (every command accepts them; those that open no database ignore them):")
	fs := flag.NewFlagSet("huiying", flag.ContinueOnError)
	config.Register(fs)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// withoutConfigFlags drops the configuration flags (all take a value:
// "--data DIR" or "--data=DIR", one dash or two) from args, except those
// named in keep, up to a "--".
func withoutConfigFlags(args, keep []string) []string {
	isConfig := map[string]bool{}
	for _, o := range config.Options {
		isConfig[o.Flag] = !slices.Contains(keep, o.Flag)
	}
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || !isConfig[name] {
			out = append(out, a)
			continue
		}
		if !hasValue {
			i++ // its value
		}
	}
	return out
}

// parse registers the server configuration flags plus extra ones.
func parse(env Env, name string, args []string, extra func(fs *flag.FlagSet)) (config.Config, error) {
	fs := flag.NewFlagSet("huiying "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	build := config.Register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config.Config{}, flag.ErrHelp
		}
		return config.Config{}, ErrUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "huiying %s: unexpected argument %q\n", name, fs.Arg(0))
		return config.Config{}, ErrUsage
	}
	cfg, err := build()
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	return cfg, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(env, "serve", args, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	a, err := app.Open(ctx, cfg, log, env.Stdout)
	if err != nil {
		return err
	}
	if err := a.Bootstrap(ctx); err != nil {
		a.Close()
		return err
	}
	return a.Serve(ctx)
}

func migrate(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(env, "migrate", args, nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stdout)
	if err != nil {
		return err
	}
	defer a.Close()
	vs, err := a.DB.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database is at migration %d (%d applied)\n", vs[len(vs)-1], len(vs))
	return nil
}

func version(_ context.Context, env Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "huiying", app.Version)
	return nil
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string) int {
	err := Run(ctx, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, args)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		return 2
	default:
		fmt.Fprintln(os.Stderr, "huiying:", err)
		return 1
	}
}
