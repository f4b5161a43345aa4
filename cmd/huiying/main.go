// Command huiying is the Huiying support desk: one binary that serves the
// agent console, the chat widget and the API (run "huiying help").
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/huiying/huiying/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
