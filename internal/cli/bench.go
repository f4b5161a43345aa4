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
	withBot := fs.Bool("bot", false, "with no --target: keep the FAQ bot on, so it answers every message during the run")
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
			MaxRequestBytes: 64 << 10, MaxUploadBytes: 10 << 20, ShutdownTimeout: 5 * time.Second}
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
	res, err := bench.Run(ctx, bench.Options{BaseURL: base, InboxKey: key, Users: *users, Messages: *msgs,
		Duration: *dur, WebSocket: *ws, Progress: progress})
	if err != nil {
		return err
	}
	return json.NewEncoder(env.Stdout).Encode(res)
}
