package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/conversation"
)

func inboxList(ctx context.Context, env Env, args []string) error {
	var asJSON bool
	cfg, err := parse(env, "inbox list", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	ins, err := a.Convs.Inboxes(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		// The CLI runs with access to the data folder, i.e. as an operator:
		// it shows each inbox's HMAC secret, which the wallet's backend needs
		// to sign user ids.
		type inboxWithSecret struct {
			conversation.Inbox
			HMACSecret string `json:"hmac_secret"`
		}
		out := make([]inboxWithSecret, len(ins))
		for i, in := range ins {
			out[i] = inboxWithSecret{in, in.HMACSecret}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCHANNEL\tKEY")
	for _, in := range ins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", in.ID, in.Name, in.Channel, in.PublicKey)
	}
	return tw.Flush()
}

// inboxBot turns the FAQ bot on or off in one inbox (--key) or in all.
func inboxBot(ctx context.Context, env Env, args []string) error {
	var key string
	var off bool
	cfg, err := parse(env, "inbox bot", args, func(fs *flag.FlagSet) {
		fs.StringVar(&key, "key", "", "the inbox's public key (default: every inbox)")
		fs.BoolVar(&off, "off", false, "turn the bot off (default: on)")
	})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	ins, err := a.Convs.Inboxes(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, in := range ins {
		if key != "" && in.PublicKey != key {
			continue
		}
		if _, err := a.Convs.SetInboxBot(ctx, in.ID, !off); err != nil {
			return err
		}
		state := "on"
		if off {
			state = "off"
		}
		fmt.Fprintf(env.Stdout, "bot %s in %s (%s)\n", state, in.Name, in.PublicKey)
		n++
	}
	if n == 0 {
		return fmt.Errorf("no inbox has the key %q (see 'huiying inbox list')", key)
	}
	return nil
}
