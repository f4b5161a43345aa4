package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/bench"
	"github.com/huiying/huiying/internal/config"
)

func benchIntake(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("huiying bench intake", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	target := fs.String("target", "", "URL of a running server (default: start one on a temporary data folder)")
	inbox := fs.String("inbox", "", "inbox key on the --target server (see 'huiying inbox list')")
	db := fs.String("db", "", "with no --target: database URL for the temporary server (default SQLite)")
	users := fs.Int("users", 200, "concurrent simulated users")
	msgs := fs.Int("messages", 100, "messages each user sends")
	dur := fs.Duration("duration", 0, "send for this long instead of a fixed count, e.g. 30s")
	ws := fs.Bool("ws", true, "each user also holds a contact WebSocket and checks its messages come back")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	withBot := fs.Bool("bot", false, "with no --target: keep the FAQ bot on; users ask it questions and time its answers")
	questions := fs.Bool("questions", false, "users send wallet questions and time the bot's replies (implied by --bot; use with --target when its bot is on)")
	waitAnswer := fs.Bool("wait-answer", false, "each user waits for the bot's reply before asking again, as a person does")
	answerWait := fs.Duration("answer-wait", 30*time.Second, "how long a user waits for each bot reply with --wait-answer, and for all of them at the end")
	rate := fs.Float64("rate", 0, "total messages per second, all users together, each on a fixed schedule (default: as fast as acknowledged)")
	agent := fs.Bool("agent", false, "with no --target: also hold an agent WebSocket and time each message's delivery to it")
	agentToken := fs.String("agent-token", "", "with --target: an API token to hold an agent WebSocket with and time delivery")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return ErrUsage
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	base, key := *target, *inbox
	if base == "" {
		dir, err := os.MkdirTemp("", "huiying-bench-")
		if err != nil {
			return fmt.Errorf("temporary data folder: %w", err)
		}
		defer os.RemoveAll(dir)
		cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DBURL: *db, LogFormat: "text", LogLevel: "warn",
			MaxRequestBytes: 64 << 10, MaxUploadBytes: 10 << 20, ShutdownTimeout: 5 * time.Second,
			// Every simulated user connects from this machine's address.
			ChatSocketsPerIP: *users + 1}
		log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		a, err := app.Open(ctx, cfg, log, io.Discard)
		if err != nil {
			return err
		}
		if err := a.Bootstrap(ctx); err != nil {
			a.Close()
			return err
		}
		ins, err := a.Convs.Inboxes(ctx)
		if err != nil {
			a.Close()
			return err
		}
		key = ins[0].PublicKey
		if _, err := a.Convs.SetInboxBot(ctx, ins[0].ID, *withBot); err != nil {
			a.Close()
			return err
		}
		if *withBot {
			// A started server trains the model before its first visitor;
			// so does the benchmark, so that the run measures answering.
			if err := a.Bot.Warm(ctx); err != nil {
				a.Close()
				return err
			}
			*questions = true
		}
		if *agent {
			tok, err := benchAgentToken(ctx, a)
			if err != nil {
				a.Close()
				return err
			}
			*agentToken = tok
		}
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			a.Close()
			return fmt.Errorf("listen: %w", err)
		}
		base = "http://" + ln.Addr().String()
		sctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.ServeOn(sctx, ln) }()
		defer func() { stop(); <-done }()
	} else if key == "" {
		fmt.Fprintln(env.Stderr, "huiying bench intake: --target needs --inbox KEY (see 'huiying inbox list')")
		return ErrUsage
	}
	var progress io.Writer = env.Stderr
	if *quiet {
		progress = nil
	}
	opt := bench.Options{BaseURL: base, InboxKey: key, Users: *users, Messages: *msgs, Duration: *dur,
		WebSocket: *ws, WaitAnswer: *waitAnswer, AnswerWait: *answerWait, Rate: *rate, AgentToken: *agentToken, Progress: progress}
	if *questions || *waitAnswer {
		opt.Questions = bench.BotQuestions
	}
	res, err := bench.Run(ctx, opt)
	if err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(res)
}

// benchAgentToken returns a read-only API token of the first-run admin of
// the benchmark's own server, for its agent WebSocket.
func benchAgentToken(ctx context.Context, a *app.App) (string, error) {
	admin, err := a.Auth.AgentByEmail(ctx, app.FirstRunEmail)
	if err != nil {
		return "", fmt.Errorf("bench agent: %w", err)
	}
	tok, _, err := a.Auth.CreateToken(ctx, admin.ID, "bench", auth.ScopeRead, time.Hour)
	if err != nil {
		return "", fmt.Errorf("bench agent token: %w", err)
	}
	return tok, nil
}
