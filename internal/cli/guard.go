package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/huiying/huiying/internal/guard"
)

// guardScanResult is one output line of 'huiying guard scan'.
type guardScanResult struct {
	Secret   bool     `json:"secret"`
	Kinds    []string `json:"kinds"`
	Redacted string   `json:"redacted"`
}

// guardScan reads messages on stdin, one per line, and prints for each a
// JSON line saying what the secret guard finds and the redacted message.
func guardScan(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("huiying guard scan", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: huiying guard scan < messages.txt\n\n"+
			"Reads messages on stdin, one per line (up to 1 MiB each), and prints one JSON\n"+
			`line per message: {"secret":true|false,"kinds":[...],"redacted":"..."}`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return ErrUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "huiying guard scan: unexpected argument %q\n", fs.Arg(0))
		return ErrUsage
	}
	g, err := guard.New()
	if err != nil {
		return err
	}
	out := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(env.Stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		redacted, kinds := g.Redact(sc.Text())
		if kinds == nil {
			kinds = []string{}
		}
		if err := enc.Encode(guardScanResult{Secret: len(kinds) > 0, Kinds: kinds, Redacted: redacted}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		return fmt.Errorf("reading stdin: %w", err)
	}
	return out.Flush()
}
